#!/bin/bash
# The same photo in every format and orientation pgface reads, made at test time from the
# npm package's sample2.jpg into DIR/formats/ for sql/photo_formats.sql. Each name says
# what the SQL test expects of it:
#   original.jpg              the JPEG every other file is compared with
#   lossless-*                the same pixels in another container: within 0.1
#   lossy-*                   re-encoded with loss: within 0.2
#   icc-*                     converted to another colour space, with its ICC profile: within
#                             0.1, though pgface takes the pixels as sRGB
#   large-*                   6.4 megapixels, for a statement_timeout during the decode
#   refused-*                 formats pgface refuses
#   bomb-*                    made to lie about their size
#   orient<N>-<kind>.<ext>    stored turned, with the orientation N (EXIF's meaning) that
#                             turns it back: EXIF in JPEG, PNG (eXIf) and WebP, irot/imir in
#                             HEIC and AVIF
# Tools: ImageMagick, cwebp and img2webp (webp), heif-enc (libheif-examples), exiftool
# (libimage-exiftool-perl), ICC profiles (icc-profiles-free), build/make_heif for HEIF
# orientations, which heif-enc cannot write, and build/make_cmyk for CMYK without Adobe's
# marker and YCCK, which ImageMagick does not write. scripts/install-deps.sh installs them.
#   test/make_formats.sh DIR
set -eu
cd "$(dirname "$0")/.."
out=$1/formats
make -s build/make_heif build/make_cmyk
rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Half size (960x684) keeps the HEVC and AV1 encoders to about a second a file.
convert build/models/face-api/demo/sample2.jpg -resize 50% "$work/base.png"
# A second frame without a face: taking any frame but the first finds none.
convert -size 960x684 xc:gray50 "$work/other.png"
convert "$work/base.png" -quality 95 "$out/original.jpg"

cp "$work/base.png" "$out/lossless-png.png"
convert "$work/base.png" -depth 16 "PNG48:$out/lossless-png16.png"
convert "$work/base.png" -interlace PNG "$out/lossless-interlaced.png"
convert "$work/base.png" -alpha set -channel A -evaluate set 60% +channel "PNG32:$out/lossless-rgba.png"
convert "$work/base.png" "BMP3:$out/lossless-bmp.bmp"
convert "$work/base.png" "BMP2:$out/lossless-bmp-os2.bmp"
cwebp -quiet -lossless "$work/base.png" -o "$out/lossless-webp.webp"
build/make_heif "$work/base.png" "$out/lossless-heic.heic" heic lossless 1

convert "$work/base.png" -colors 256 "PNG8:$out/lossy-palette.png"
convert "$work/base.png" "$out/lossy-gif.gif"
convert -delay 10 "$work/base.png" "$work/other.png" -loop 0 "$out/lossy-animated.gif"
cwebp -quiet -q 90 "$work/base.png" -o "$out/lossy-webp.webp"
cwebp -quiet -q 90 -exact "$out/lossless-rgba.png" -o "$out/lossy-webp-alpha.webp"
img2webp -lossy -q 90 "$work/base.png" "$work/other.png" -o "$out/lossy-animated.webp" 2>/dev/null
heif-enc -q 90 "$work/base.png" -o "$out/lossy-heic.heic" >/dev/null
heif-enc -q 90 -b 10 "$out/lossless-png16.png" -o "$out/lossy-heic10.heic" >/dev/null
heif-enc -q 90 -A "$work/base.png" -o "$out/lossy-avif.avif" >/dev/null
convert "$work/base.png" -quality 95 -interlace JPEG "$out/lossy-progressive.jpg"
convert "$work/base.png" -quality 95 -colorspace CMYK "$out/lossy-cmyk.jpg"
build/make_cmyk "$work/base.png" "$out/lossy-cmyk-plain.jpg" plain
build/make_cmyk "$work/base.png" "$out/lossy-ycck.jpg" ycck
convert "$work/base.png" -quality 95 -define jpeg:arithmetic-coding=true "$out/lossy-arithmetic.jpg"
icc=/usr/share/color/icc
convert "$work/base.png" -profile $icc/sRGB.icc -profile $icc/compatibleWithAdobeRGB1998.icc \
	-quality 95 "$out/icc-adobergb.jpg"

# The stored pixels for each orientation: the inverse of what the orientation asks for.
inverse=("" "" "-flop" "-rotate 180" "-flip" "-transpose" "-rotate 270" "-transverse" "-rotate 90")
for n in 1 2 3 4 5 6 7 8; do
	# shellcheck disable=SC2086
	convert "$work/base.png" ${inverse[$n]} "$work/stored$n.png"
	cp "$work/stored$n.png" "$out/orient$n-lossless.png"
	convert "$work/stored$n.png" -quality 95 "$out/orient$n-lossy.jpg"
	cwebp -quiet -q 90 "$work/stored$n.png" -o "$out/orient$n-lossy.webp"
	exiftool -q -q -n -overwrite_original -Orientation=$n \
		"$out/orient$n-lossless.png" "$out/orient$n-lossy.jpg" "$out/orient$n-lossy.webp"
	build/make_heif "$work/stored$n.png" "$out/orient$n-lossy.heic" heic 90 "$n"
	build/make_heif "$work/stored$n.png" "$out/orient$n-lossy.avif" avif 90 "$n"
done

# Refused by name: a TIFF, as a scanner writes it.
convert "$work/base.png" -compress lzw "$out/refused-tiff.tif"

# Large copies (3000x2136, 6.4 megapixels), whose decode a statement_timeout interrupts.
convert build/models/face-api/demo/sample2.jpg -resize 3000x "$work/large.png"
cp "$work/large.png" "$out/large-png.png"
convert "$work/large.png" -quality 90 "$out/large-jpeg.jpg"
cwebp -quiet -q 80 "$work/large.png" -o "$out/large-webp.webp"
heif-enc -q 60 "$work/large.png" -o "$out/large-heic.heic" >/dev/null
heif-enc -q 60 -A -p speed=9 "$work/large.png" -o "$out/large-avif.avif" >/dev/null
convert "$work/base.png" -colors 16 -type palette -compress RLE "BMP3:$out/refused-rle.bmp"

# A HEIC coding 3072x3072 pixels of one colour (9.4 megapixels in a few kB), whose ispe
# box photo_formats rewrites to claim 64x64.
convert -size 3072x3072 "xc:rgb(150,120,100)" -type TrueColor "PNG24:$work/solid.png"
heif-enc -q 50 "$work/solid.png" -o "$out/bomb-coded.heic" >/dev/null
