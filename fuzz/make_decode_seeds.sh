#!/bin/bash
# make_decode_seeds.sh: seeds for the decode harnesses (fuzz/decode_fuzz.c), one corpus per
# decoder in FUZZ_DIR/corpus-decode_FORMAT_fuzz/, made from the face that make_seeds cut out
# (FUZZ_DIR/corpus-photo_fuzz/seed-face64.png.0) in each variant its library handles:
# JPEG baseline, progressive, arithmetic, CMYK, grey, restart markers, EXIF-turned; PNG
# 8- and 16-bit, palette, grey, grey+alpha, RGBA, interlaced, eXIf; WebP lossy, lossless,
# alpha, animated, EXIF; HEIC and AVIF, 8- and 10-bit, lossless, irot/imir; BMP 24-bit,
# 32-bit, palette and RLE (refused, but parsed); GIF still and animated.
#   fuzz/make_decode_seeds.sh FUZZ_DIR
set -eu
cd "$(dirname "$0")/.."
dir=$1
face=$dir/corpus-photo_fuzz/seed-face64.png.0
make -s build/make_heif
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
convert "$face" "$work/face.png"
convert "$work/face.png" -rotate 270 "$work/turned.png"
convert -size 64x64 xc:gray50 "$work/grey.png"

corpus() { mkdir -p "$dir/corpus-decode_$1_fuzz" && echo "$dir/corpus-decode_$1_fuzz/seed"; }
jpeg=$(corpus JPEG)
convert "$work/face.png" -quality 90 "$jpeg-baseline.jpg"
convert "$work/face.png" -quality 90 -interlace JPEG "$jpeg-progressive.jpg"
convert "$work/face.png" -quality 90 -define jpeg:arithmetic-coding=true "$jpeg-arithmetic.jpg"
convert "$work/face.png" -quality 90 -colorspace CMYK "$jpeg-cmyk.jpg"
convert "$work/face.png" -quality 90 -colorspace gray "$jpeg-grey.jpg"
convert "$work/face.png" -quality 90 -define jpeg:restart-interval=1 "$jpeg-restart.jpg"
convert "$work/face.png" -quality 90 -sampling-factor 1x1 "$jpeg-444.jpg"
convert "$work/turned.png" -quality 90 "$jpeg-exif6.jpg"
png=$(corpus PNG)
cp "$work/face.png" "$png-rgb.png"
convert "$work/face.png" -depth 16 "PNG48:$png-16bit.png"
convert "$work/face.png" -interlace PNG "$png-interlaced.png"
convert "$work/face.png" -colors 64 "PNG8:$png-palette.png"
convert "$work/face.png" -colorspace gray "PNG8:$png-grey.png"
convert "$work/face.png" -colorspace gray -alpha set -channel A -evaluate set 50% +channel \
	"PNG:$png-grey-alpha.png"
convert "$work/face.png" -alpha set -channel A -evaluate set 50% +channel "PNG32:$png-rgba.png"
cp "$work/turned.png" "$png-exif6.png"
webp=$(corpus WebP)
cwebp -quiet -q 80 "$work/face.png" -o "$webp-lossy.webp"
cwebp -quiet -lossless "$work/face.png" -o "$webp-lossless.webp"
cwebp -quiet -q 80 "$png-rgba.png" -o "$webp-alpha.webp"
img2webp -lossy -q 80 "$work/face.png" "$work/grey.png" -o "$webp-animated.webp" 2>/dev/null
cwebp -quiet -q 80 "$work/turned.png" -o "$webp-exif6.webp"
exiftool -q -q -n -overwrite_original -Orientation=6 "$jpeg-exif6.jpg" "$png-exif6.png" \
	"$webp-exif6.webp"
heif=$(corpus HEIF)
heif-enc -q 60 "$work/face.png" -o "$heif-lossy.heic" >/dev/null
heif-enc -q 60 -b 10 "$png-16bit.png" -o "$heif-10bit.heic" >/dev/null
heif-enc -q 60 -A "$work/face.png" -o "$heif-lossy.avif" >/dev/null
build/make_heif "$work/face.png" "$heif-lossless.heic" heic lossless 1
build/make_heif "$work/turned.png" "$heif-irot6.heic" heic 60 6
build/make_heif "$work/face.png" "$heif-imir2.avif" avif 60 2
bmp=$(corpus BMP)
convert "$work/face.png" "BMP3:$bmp-24bit.bmp"
convert "$work/face.png" -alpha set "BMP:$bmp-32bit.bmp"
convert "$work/face.png" -colors 16 -type palette "BMP3:$bmp-palette.bmp"
convert "$work/face.png" -colors 16 -type palette -compress RLE "BMP3:$bmp-rle.bmp"
gif=$(corpus GIF)
convert "$work/face.png" "$gif-still.gif"
convert -delay 10 "$work/face.png" "$work/grey.png" -loop 0 "$gif-animated.gif"
