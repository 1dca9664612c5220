"""A small hand-written archive, indexed once per test session, for ranking and snippet tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import build_index

ISSUES: dict[str, str] = {
    "harbour-dispatch/2024-10-01-strike.txt": """\
Dockworkers strike closes the harbour
Talks between the port authority and the union collapsed overnight.
To receive our weekly newsletter, upgrade to a paid Harbour Dispatch subscription.
The harbour fell silent at dawn as dockworkers walked out over pay.
Union leaders said the strike would last until the port authority returned to the table.
Shipping agents warned that perishable cargo would be diverted to other ports.
Mara Quinn
Port Correspondent
ALSO KNOW
Ferry timetable cut - The island ferry will run twice a day while the dispute lasts.
Fish market reopens - Traders returned to the quay after repairs to the roof.
""",
    "harbour-dispatch/2024-10-15-floods.txt": """\
Floods reach the lower town
Rain that fell for three days has left streets under water.
To receive our weekly newsletter, upgrade to a paid Harbour Dispatch subscription.
The river burst its banks on Tuesday and water reached the lower town by nightfall.
Residents moved furniture upstairs while volunteers filled sandbags.
The council said the flood barrier ordered last year had not yet arrived.
Mara Quinn
Port Correspondent
ALSO KNOW
Strike talks resume - The union and the port authority will meet again on Friday.
""",
    "the-circuit/2024-11-04-chips.txt": """\
A chip factory for the valley
The province has signed a deal with a maker of memory chips.
To receive our weekly newsletter, upgrade to a paid Circuit subscription.
The factory will employ two thousand people when it opens in three years.
Critics said the subsidy was larger than the one offered for the battery plant.
Water use was the main worry raised at the public hearing.
Dev Okafor
Technology Editor
ALSO KNOW
Heat pump grants doubled - The energy ministry doubled grants for heat pumps in older homes.
""",
    "the-circuit/2024-11-18-troops.txt": """\
Security briefing: troops on the border
Reports of North Korean troops near the front line worried ministers.
To receive our weekly newsletter, upgrade to a paid Circuit subscription.
Intelligence officials said North Korean troops had been seen in the region this week.
Ministers asked for a briefing on what the deployment meant for regional security.
The day of victory, one general said, was still far off.
Dev Okafor
Technology Editor
""",
    "green-ledger/2024-12-02-scattered.txt": """\
Budget week in review
The finance committee met four times and agreed on very little.
To receive our weekly newsletter, upgrade to a paid Green Ledger subscription.
The committee heard that the north wing of the archive needs a new roof.
A Korean delegation visited the solar farm on Wednesday to study its panels.
Later, the minister thanked the troops who helped after the storm in spring.
Ines Moreau
Economics Editor
""",
    "green-ledger/2024-12-16-heat-pumps.txt": """\
Heat pumps: who pays?
Subsidies for heat pumps are about to change again.
To receive our weekly newsletter, upgrade to a paid Green Ledger subscription.
A heat pump costs less to run than a gas boiler in most homes, the study found.
The new grant covers half the price of a heat pump for households on low incomes.
Installers said the waiting list for a heat pump fitting was now six months.
Ines Moreau
Economics Editor
ALSO KNOW
Flood insurance premiums rise - Insurers raised premiums in towns hit by floods this autumn.
""",
}


def write_archive(root: Path) -> Path:
    """Write the hand-written archive below `root` and return its folder."""
    folder = root / "archive"
    for relpath, text in ISSUES.items():
        path = folder / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def archive_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the hand-written archive (built once; tests must not write to it)."""
    root = tmp_path_factory.mktemp("archive")
    folder = write_archive(root)
    index_dir = root / "index"
    build_index(folder, index_dir, jobs=1)
    return index_dir
