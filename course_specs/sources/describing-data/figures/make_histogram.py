"""Write commute-times.svg: the histogram of the commute-time data used in the sources.

Run from anywhere with `python3 make_histogram.py`; it writes the SVG beside itself. The data are
made up for the course (30 first-year students, minutes from home to campus) and are the same
list as in the sources' code examples, so the figure, the frequency table and the printed
statistics agree.
"""

from pathlib import Path

TIMES = [5, 7, 8, 9, 10, 12, 12, 14, 15, 15, 16, 18, 19, 20, 21, 22, 24, 25, 25, 27, 28, 30, 32, 35, 38, 42, 45, 55, 64, 75]
WIDTH_OF_CLASS, CLASSES = 10, 8

# Plot area in SVG units: a left margin for the count axis, a bottom margin for the time axis.
LEFT, TOP, PLOT_W, PLOT_H = 70, 40, 480, 240
MAX_COUNT = 10


def counts() -> list[int]:
    found = [0] * CLASSES
    for t in TIMES:
        found[t // WIDTH_OF_CLASS] += 1
    return found


def svg() -> str:
    bar_w = PLOT_W / CLASSES
    scale = PLOT_H / MAX_COUNT
    bottom = TOP + PLOT_H
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {LEFT + PLOT_W + 30} {bottom + 60}" width="{LEFT + PLOT_W + 30}" height="{bottom + 60}" role="img" aria-labelledby="title desc" font-family="sans-serif" font-size="14">',
        '<title id="title">Commute times of 30 first-year students</title>',
        '<desc id="desc">Histogram with classes of 10 minutes from 0 to 80 minutes. Counts: '
        + ", ".join(f"{k * WIDTH_OF_CLASS} to {k * WIDTH_OF_CLASS + WIDTH_OF_CLASS - 1} minutes: {c}" for k, c in enumerate(counts()))
        + ".</desc>",
        '<rect width="100%" height="100%" fill="#ffffff"/>',
    ]
    for n in range(0, MAX_COUNT + 1, 2):  # horizontal grid lines and count labels
        y = bottom - n * scale
        parts.append(f'<line x1="{LEFT}" y1="{y:g}" x2="{LEFT + PLOT_W}" y2="{y:g}" stroke="#d9d9d9"/>')
        parts.append(f'<text x="{LEFT - 8}" y="{y + 5:g}" text-anchor="end">{n}</text>')
    for k, c in enumerate(counts()):  # adjacent bars: a histogram's classes touch
        x = LEFT + k * bar_w
        parts.append(f'<rect x="{x:g}" y="{bottom - c * scale:g}" width="{bar_w:g}" height="{c * scale:g}" fill="#2b6cb0" stroke="#ffffff" stroke-width="1"/>')
    for k in range(CLASSES + 1):  # time axis ticks at the class boundaries
        x = LEFT + k * bar_w
        parts.append(f'<line x1="{x:g}" y1="{bottom}" x2="{x:g}" y2="{bottom + 6}" stroke="#333333"/>')
        parts.append(f'<text x="{x:g}" y="{bottom + 22}" text-anchor="middle">{k * WIDTH_OF_CLASS}</text>')
    parts += [
        f'<line x1="{LEFT}" y1="{bottom}" x2="{LEFT + PLOT_W}" y2="{bottom}" stroke="#333333"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}" stroke="#333333"/>',
        f'<text x="{LEFT + PLOT_W / 2:g}" y="{bottom + 48}" text-anchor="middle">Commute time (minutes)</text>',
        f'<text transform="translate(22 {TOP + PLOT_H / 2:g}) rotate(-90)" text-anchor="middle">Number of students</text>',
        f'<text x="{LEFT + PLOT_W / 2:g}" y="24" text-anchor="middle" font-size="16" font-weight="bold">Commute times of 30 first-year students</text>',
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    (Path(__file__).parent / "commute-times.svg").write_text(svg(), encoding="utf-8")
