#!/usr/bin/env bash
# pgface draw on a real photo (face-api's sample1.jpg, three faces): the PNG has the photo's
# size; faces()'s boxes (pgface detect) and landmarks are in the face colour, embed()'s face
# (pgface quality) in the marker colour, each with a label; every pixel away from the faces
# is the photo's, as pgface decodes it. A photo without a face comes out as it went in; a
# cut file, a missing -o and an unwritable OUT fail as they should. TAP lines on stdout.
#   test/cli_draw.sh   (after make and make models)
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
source test/tap.sh
work=$(mktemp -d /tmp/pgface-draw.XXXXXX)
trap 'rm -rf "$work"' EXIT

if ! make -s build/pgface build/decode_ppm >"$work/build.log" 2>&1; then
	cat "$work/build.log"
	record 1 "build pgface and decode_ppm"
	exit 1
fi
photo=build/models/face-api/demo/sample1.jpg
pgface() { build/pgface "$1" --models build/models "${@:2}"; }

pgface draw "$photo" -o "$work/out.png" >"$work/draw.json" 2>"$work/draw.err"
record $? "pgface draw $photo exits 0$(sed 's/^/: /' "$work/draw.err" | head -1)"
pgface detect "$photo" >"$work/detect.json"
pgface quality "$photo" >"$work/quality.json"
build/decode_ppm "$photo" >"$work/photo.ppm"
build/decode_ppm "$work/out.png" >"$work/out.ppm"

# The picture's pixels against the detections: one TAP line a check.
python3 - "$work" <<'EOF'
import json, math, sys

work = sys.argv[1]
FACE, EMBED, TEXT = (0, 255, 0), (255, 0, 255), (0, 0, 0)

def ppm(path):
    data = open(path, 'rb').read()
    magic, width, height, depth, pixels = data.split(maxsplit=4)
    assert magic == b'P6' and depth == b'255'
    return int(width), int(height), pixels

def check(ok, name):
    print(('ok - ' if ok else 'not ok - ') + name)

draw = json.loads(open(f'{work}/draw.json').read() or '{}')
faces = json.loads(open(f'{work}/detect.json').read())['faces']
chosen = json.loads(open(f'{work}/quality.json').read())
w, h, photo = ppm(f'{work}/photo.ppm')
ow, oh, out = ppm(f'{work}/out.ppm')
check(open(f'{work}/out.png', 'rb').read(8) == b'\x89PNG\r\n\x1a\n' and (ow, oh) == (w, h),
      f'the PNG is the photo\'s size, {ow}x{oh} (photo {w}x{h})')

def pixel(x, y):
    i = (int(y) * w + int(x)) * 3
    return tuple(out[i:i + 3])

# embed()'s face is the face of faces() with its box.
embed_index = [i for i, f in enumerate(faces) if f['box'] == chosen['box']]
check(len(faces) == 3 and draw.get('faces') == 3 and len(embed_index) == 1 and
      draw.get('embed_face') == embed_index[0] + 1 and draw.get('embed_box') == chosen['box'],
      f'the JSON line: 3 faces, embed_face {draw.get("embed_face")} is quality\'s box')

for i, face in enumerate(faces):
    colour = EMBED if i in embed_index else FACE
    name = 'embed colour' if colour == EMBED else 'face colour'
    x, y, bw, bh = face['box']
    # the left, right and bottom edges (the top one carries the label), at nine points each
    points = [(x, y + bh * t / 10) for t in range(1, 10)] + \
             [(x + bw, y + bh * t / 10) for t in range(1, 10)] + \
             [(x + bw * t / 10, y + bh) for t in range(1, 10)]
    wrong = [p for p in points if pixel(*p) != colour]
    check(not wrong, f'face {i + 1}: its box\'s edges in the {name}' +
          (f' (not at {wrong[:3]}: {[pixel(*p) for p in wrong[:3]]})' if wrong else ''))
    wrong = [p for p in face['landmarks'] if pixel(*p) != colour]
    check(not wrong, f'face {i + 1}: its 68 landmarks are dots in the {name}' +
          (f' ({len(wrong)} not)' if wrong else ''))
    # the label: a tab of the box's colour on its top edge, with dark text in it
    label = [pixel(px, py) for py in range(max(0, int(y) - 40), int(y))
             for px in range(max(0, int(x)), min(w, int(x + bw)))]
    check(label.count(colour) > 1000 and label.count(TEXT) > 100,
          f'face {i + 1}: a label above its box ({label.count(colour)} pixels of its colour, '
          f'{label.count(TEXT)} of text)')

# Away from the faces (their boxes and landmarks with room for the labels), the photo as it was.
def around(face):
    xs = [p[0] for p in face['landmarks']] + [face['box'][0], face['box'][0] + face['box'][2]]
    ys = [p[1] for p in face['landmarks']] + [face['box'][1], face['box'][1] + face['box'][3]]
    return (max(0, int(min(xs)) - 20), max(0, int(min(ys)) - 80),
            min(w, max(int(max(xs)), int(min(xs)) + 400) + 20), min(h, int(max(ys)) + 20))

regions = [around(f) for f in faces]
compared = differ = 0
for y in range(h):
    spans, start = [], 0
    for x0, y0, x1, y1 in sorted(r for r in regions if r[1] <= y < r[3]):
        if x0 > start:
            spans.append((start, x0))
        start = max(start, x1)
    spans.append((start, w))
    for a, b in spans:
        if a < b:
            row = (y * w + a) * 3, (y * w + b) * 3
            compared += b - a
            if out[row[0]:row[1]] != photo[row[0]:row[1]]:
                differ += sum(out[i:i + 3] != photo[i:i + 3] for i in range(row[0], row[1], 3))
check(differ == 0 and compared > w * h // 2,
      f'{compared} pixels away from the faces are the photo\'s ({differ} differ)')
EOF
tally_ok=$?
[ "$tally_ok" -eq 0 ] || record 1 "the picture's checks ran (python3 exited $tally_ok)"

# A photo without a face: no box, no marker, a note on stderr, and the pixels as they were.
convert -size 320x240 gradient:gray20-gray80 "$work/blank.png"
pgface draw "$work/blank.png" -o "$work/blank_out.png" >"$work/blank.json" 2>"$work/blank.err"
rc=$?
build/decode_ppm "$work/blank.png" >"$work/blank.ppm"
build/decode_ppm "$work/blank_out.png" >"$work/blank_out.ppm" 2>/dev/null
[ "$rc" -eq 0 ] && grep -q '"faces": 0, "embed_face": null, "embed_box": null' "$work/blank.json" &&
	grep -q 'embed() finds no face' "$work/blank.err" && cmp -s "$work/blank.ppm" "$work/blank_out.ppm"
record $? "a photo without a face: exit 0, no face, a note on stderr, every pixel unchanged"

# Failures: a cut JPEG, a missing -o, an OUT that cannot be written. None leaves a file.
head -c 2000 "$photo" >"$work/cut.jpg"
pgface draw "$work/cut.jpg" -o "$work/cut_out.png" >"$work/cut.json" 2>"$work/cut.err"
rc=$?
[ "$rc" -eq 1 ] && grep -q "^pgface: $work/cut.jpg: .*truncated" "$work/cut.err" &&
	[ ! -s "$work/cut.json" ] && ! compgen -G "$work/cut_out*" >/dev/null
record $? "a cut JPEG: exit $rc (1), $(head -1 "$work/cut.err"), no output file"

pgface draw "$photo" >"$work/no_o.json" 2>"$work/no_o.err"
rc=$?
[ "$rc" -eq 2 ] && grep -q -- '-o' "$work/no_o.err" && [ ! -s "$work/no_o.json" ]
record $? "draw without -o: exit $rc (2), a usage message"

pgface draw "$photo" -o "$work/missing/out.png" >/dev/null 2>"$work/missing.err"
rc=$?
[ "$rc" -eq 1 ] && grep -q "^pgface: $work/missing/out.png: No such file or directory" "$work/missing.err"
record $? "OUT in a missing folder: exit $rc (1), $(head -1 "$work/missing.err")"

if [ -c /dev/full ]; then
	pgface draw "$photo" -o /dev/full >/dev/null 2>"$work/full.err"
	rc=$?
	[ "$rc" -eq 1 ] && grep -q "^pgface: /dev/full: No space left on device" "$work/full.err" && [ -c /dev/full ]
	record $? "OUT on a full device (/dev/full): exit $rc (1), $(head -1 "$work/full.err"), the device kept"
fi
