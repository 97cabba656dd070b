"""Draws assets/icon.png (256x256): stacked container bars under a magnifier.
Pure Python (zlib + struct), 4x4 supersampling. Run: python3 assets/make_icon.py"""
import struct, zlib, math, os

N, SS = 256, 4
BG = (24, 33, 47)         # slate
BAR = (245, 158, 11)      # amber
BAR2 = (251, 191, 36)
LENS = (226, 232, 240)

def inside_rrect(x, y, x0, y0, x1, y1, r):
    if x < x0 or x > x1 or y < y0 or y > y1:
        return False
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r

def color_at(x, y):
    if not inside_rrect(x, y, 8, 8, 248, 248, 48):
        return None
    c = BG
    bars = [(44, 60, 176, 92), (44, 104, 176, 136), (44, 148, 176, 180)]
    for i, (x0, y0, x1, y1) in enumerate(bars):
        if inside_rrect(x, y, x0, y0, x1, y1, 8):
            c = BAR if i % 2 == 0 else BAR2
            # ribs of a shipping container
            if any(abs(x - rx) < 2.2 for rx in range(60, 170, 18)):
                c = tuple(int(v * 0.78) for v in c)
    # magnifier ring and handle
    d = math.hypot(x - 168, y - 164)
    if 34 <= d <= 46:
        c = LENS
    elif d < 34 and c != BG:
        c = tuple(min(255, int(v * 1.12 + 20)) for v in c)
    hx, hy = x - 168, y - 164
    t = (hx + hy) / math.sqrt(2)
    perp = abs(hx - hy) / math.sqrt(2)
    if 44 <= t <= 86 and perp <= 9:
        c = LENS
    return c

rows = []
for py in range(N):
    row = bytearray([0])
    for px in range(N):
        acc = [0, 0, 0, 0]
        for sy in range(SS):
            for sx in range(SS):
                c = color_at(px + (sx + 0.5) / SS, py + (sy + 0.5) / SS)
                if c is not None:
                    acc[0] += c[0]; acc[1] += c[1]; acc[2] += c[2]; acc[3] += 255
        n = SS * SS
        a = acc[3] // n
        if a:
            row += bytes([acc[0] * 255 // acc[3], acc[1] * 255 // acc[3], acc[2] * 255 // acc[3], a])
        else:
            row += bytes([0, 0, 0, 0])
    rows.append(bytes(row))

def chunk(tag, data):
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", N, N, 8, 6, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b"")
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "icon.png")
open(out, "wb").write(png)
print(out, len(png), "bytes")
