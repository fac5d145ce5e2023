#!/usr/bin/env python3
"""Makes examples/phone/phone_photo.jpg, the README's fix-size example: what a
candidate's phone gives. A public-domain test portrait (the astronaut of
tests/fixtures/photos, NASA, public domain) enlarged 1.5x onto a 1080x1440
plain wall of its own background colour, JPEG quality 92, stored sideways
(pixels turned 90 degrees clockwise) with EXIF Orientation 6 (rotate 90 CW to
view), as phones save portrait photos. Not compliant as it is (size, pixels,
orientation); `zikao photo fix-size` makes it compliant.

    pip install pillow && python3 examples/phone/make_phone_photo.py
"""
from pathlib import Path

from PIL import Image

root = Path(__file__).resolve().parents[2]
src = Image.open(root / "tests/fixtures/photos/astronaut_ok_white.jpg").convert("RGB")
w, h = src.size
big = src.resize((w * 3 // 2, h * 3 // 2), Image.LANCZOS)
# the wall: the mean colour of the top rows of the portrait's background
band = src.crop((0, 0, w, 20))
px = list(band.getdata())
wall = tuple(sum(p[i] for p in px) // len(px) for i in range(3))
canvas = Image.new("RGB", (1080, 1440), wall)
canvas.paste(big, ((1080 - big.width) // 2, (1440 - big.height) // 2 + 60))
# stored sideways: the viewer turns it 90 degrees clockwise (Orientation 6)
stored = canvas.transpose(Image.ROTATE_90)
exif = Image.Exif()
exif[0x0112] = 6
exif[0x010F] = "ExamplePhone"
stored.save(root / "examples/phone/phone_photo.jpg", quality=92, exif=exif.tobytes(), dpi=(72, 72))
