#!/bin/bash
# The photos the SQL tests read, made from the npm package's sample photos into DIR: the
# six samples, a crop without a face (no_face.png), photos without a person (no_person/), one face as users send it (variants/:
# JPEG, EXIF-turned, turned without EXIF, enlarged into a scene, recompressed, PNG, mirrored) and a 48-megapixel photo
# (large_48mp.jpg), degraded copies of that face (degraded/), and the same photo in every format and orientation (formats/, by
# test/make_formats.sh). Shared by the test suite and the stress suite. Exits non-zero on failure.
#   test/make_photos.sh DIR
set -eu
dir=$1
cd "$(dirname "$0")/.."
demo=build/models/face-api/demo
make -s build/cut_chips build/make_variants build/make_large_photo
mkdir -p "$dir/variants"
cp "$demo"/sample*.jpg "$dir/"
build/cut_chips test/golden/no_face.txt "$demo" "$dir"
build/make_variants "$demo/sample2.jpg" 1300 80 480 460 "$dir/no_face.png" "$dir/variants"
# the same face turned by a quarter, a half and three quarters, without an EXIF orientation
for turn in 90 180 270; do
	convert "$dir/variants/original.jpg" -rotate "$turn" "$dir/variants/turned_$turn.jpg"
done
build/make_large_photo "$demo/sample2.jpg" 8000 6000 "$dir/large_48mp.jpg"
# photos without a person, for embed()'s extra detector sizes: the floor under sample4's
# group (clear of every face the detector finds there at any size), and a plasma fractal
mkdir -p "$dir/no_person"
convert "$demo/sample4.jpg" -crop 1920x600+0+848 +repage "$dir/no_person/floor.jpg"
convert -seed 1 -size 640x480 plasma:fractal "$dir/no_person/plasma.jpg"
test/make_formats.sh "$dir"
# the same face degraded as photos are (blurred, small, dark, heavily compressed), for face_quality
mkdir -p "$dir/degraded"
convert "$dir/variants/original.jpg" -blur 0x3 "$dir/degraded/blurred.png"
convert "$dir/variants/original.jpg" -resize 35% "$dir/degraded/small.png"
convert "$dir/variants/original.jpg" -evaluate multiply 0.3 "$dir/degraded/dark.png"
convert "$dir/variants/original.jpg" -quality 5 "$dir/degraded/compressed.jpg"
