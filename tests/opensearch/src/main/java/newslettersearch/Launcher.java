package newslettersearch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.transport.TransportAddress;
import org.opensearch.env.Environment;
import org.opensearch.http.HttpServerTransport;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;
import org.opensearch.transport.TransportService;

/**
 * Starts one real OpenSearch node in this JVM, for tests on loopback.
 *
 * <p>Usage: {@code java -Xmx512m -cp launcher.jar:<classpath.txt> newslettersearch.Launcher
 * key=value ...}; every argument is a node setting ({@code path.home} is required). Defaults keep
 * the node on 127.0.0.1 with its data and logs under {@code path.home}. Once the node has started,
 * the launcher writes {@code <path.home>/ready} (atomically) with the bound HTTP and transport
 * addresses, one {@code key=host:port} per line. It stops the node on SIGTERM, and also when its
 * standard input reaches end of file, so a node never outlives a test session that died.
 */
public final class Launcher {

    /** Node's constructor that takes classpath plugins is protected; the test framework's MockNode
     *  exposes it the same way, without pulling JUnit and Lucene's test framework onto our path. */
    static final class PluginNode extends Node {
        PluginNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
            super(environment, plugins, true);
        }
    }

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        Settings.Builder given = Settings.builder();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got: " + arg);
            }
            given.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        String home = given.get("path.home");
        if (home == null) {
            throw new IllegalArgumentException("path.home=DIR is required");
        }
        Path homePath = Path.of(home).toAbsolutePath();
        Settings settings = Settings.builder()
            .put("network.host", "127.0.0.1")
            .put("path.data", homePath.resolve("data").toString())
            .put("path.logs", homePath.resolve("logs").toString())
            // Tests run on nearly full disks too: never refuse shards because of disk watermarks.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            // Without a log4j2.properties only warnings would show; start-up progress helps debugging.
            .put("logger.level", "info")
            .put(given.build())
            .build();
        String nodeName = settings.get("node.name", "node");
        LogConfigurator.setNodeName(nodeName);
        LogConfigurator.configureWithoutConfig(settings);

        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            settings, Collections.emptyMap(), homePath.resolve("config"), () -> nodeName);
        List<Class<? extends Plugin>> plugins = List.of(Netty4Plugin.class, CommonAnalysisPlugin.class);
        Node node = new PluginNode(environment, plugins);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(30, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "launcher-shutdown"));
        watchStdin();

        node.start();
        writeReady(homePath, node);
        // OpenSearch's threads are daemons: keep the JVM alive until the node is closed.
        stopped.await();
    }

    /** Exit (closing the node) when standard input reaches end of file: the parent has gone. */
    private static void watchStdin() {
        Thread watcher = new Thread(() -> {
            try (InputStream in = System.in) {
                byte[] buffer = new byte[256];
                while (in.read(buffer) != -1) {
                    // Input is ignored; only its end matters.
                }
            } catch (IOException e) {
                // A broken pipe means the parent has gone too.
            }
            System.exit(0);
        }, "launcher-stdin-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static void writeReady(Path home, Node node) throws IOException {
        TransportAddress http = node.injector().getInstance(HttpServerTransport.class)
            .boundAddress().publishAddress();
        TransportAddress transport = node.injector().getInstance(TransportService.class)
            .boundAddress().publishAddress();
        String text = "http=" + http.getAddress() + ":" + http.getPort() + "\n"
            + "transport=" + transport.getAddress() + ":" + transport.getPort() + "\n";
        Path partial = home.resolve("ready.partial");
        Files.writeString(partial, text, StandardCharsets.UTF_8);
        Files.move(partial, home.resolve("ready"), StandardCopyOption.ATOMIC_MOVE);
    }
}
