#!/usr/bin/env bash
# The print PDF and the proofs, end to end through the command line:
# - page boxes (MediaBox ⊇ BleedBox ⊇ TrimBox, the template's trim and bleed), crop marks;
# - photos embedded as their own JPEG bytes, the CMYK one kept CMYK and printed right (red is
#   red in three renderers: the /Decode of Adobe CMYK JPEGs), PNG with alpha, focal point,
#   photos that touch the trim run into the bleed;
# - PDF/X-4 structure: output intent, GTS_PDFXVersion, XMP that matches the Info dictionary;
# - K-only black and no page transparency group in the content streams;
# - the file opens without a warning in poppler, MuPDF, Ghostscript, pdf.js and qpdf --check;
# - the same SOURCE_DATE_EPOCH gives the same bytes;
# - a run killed (SIGKILL) or failing midway leaves the previous file and no temporary file;
# - the JSON report (articles, photos and their resolution, print figures, timings);
# - proofs: the overlay on PNGs and on the proof PDF, never on the print PDF.
# Usage: test-prepress.sh PAIBAN_BINARY SOURCE_ROOT MKFIXTURE BUILD_ROOT   (TAP output)
set -u
paiban=$1
root=$(cd "$2" && pwd)
mkfixture=$3
build=$4
case $paiban in /*) ;; *) paiban=$PWD/$paiban ;; esac
case $mkfixture in /*) ;; *) mkfixture=$PWD/$mkfixture ;; esac
case $build in /*) ;; *) build=$PWD/$build ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
ok () { n=$((n + 1)); echo "ok $n $1"; }
not_ok () { n=$((n + 1)); echo "not ok $n $1"; shift; for l in "$@"; do echo "# $l"; done; }
skip () { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }
check () { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }
quiet () { "$@" >/dev/null 2>&1; }
# check_out NAME FILE: FILE holds the findings of a check; empty means it passed.
check_out () {
  if ! grep -q '[^[:space:]]' "$2"; then ok "$1"; else not_ok "$1" "$(head -c 2000 "$2")"; fi
}
# findings CMD...: runs a check that prints its findings into `found`; a check that fails to
# run (a crash, a missing file) is a finding too.
findings () { "$@" > found 2>&1 || echo "(the check itself failed: exit status $?)" >> found; }

export SOURCE_DATE_EPOCH=1700000000
cd "$work" || exit 1
mkdir issue
cp "$root"/tests/data/prepress/*.json issue/
"$mkfixture" issue || { echo "Bail out! mkfixture failed"; exit 1; }
# Crop marks and bleed sit in this margin around the trim (prepress.h: 3 + 5 + 2 mm).
margin=$(python3 -c 'print(10 * 72 / 25.4)')

"$paiban" render issue/issue.json -o out.pdf --report r.json --png png --proof \
  --proof-pdf proof.pdf 2>err
check "the test issue renders" test $? -eq 0
"$paiban" render "$root/examples/full-issue/issue.json" -o full.pdf --report full.json 2>/dev/null
check "the full issue renders" test $? -eq 0

# ---- page boxes ----
# boxes FILE TRIM_W_MM TRIM_H_MM BLEED_MM [PAGES]: every page (or the pages listed, 1-based)
boxes () {
  pdfinfo -box -f 1 -l 9999 "$1" | python3 -c '
import re, sys
mm = 72 / 25.4
trim_w, trim_h, bleed = (float(v) * mm for v in sys.argv[1:4])
only = set(int(p) for p in sys.argv[4].split(",")) if len(sys.argv) > 4 and sys.argv[4] else None
pages = {}
for line in sys.stdin:
    m = re.match(r"Page\s+(\d+)\s+(MediaBox|BleedBox|TrimBox):\s+(.*)", line)
    if m:
        pages.setdefault(int(m.group(1)), {})[m.group(2)] = [float(v) for v in m.group(3).split()]
bad = []
if not pages:
    bad.append("no boxes")
for p, b in sorted(pages.items()):
    if only and p not in only:
        continue
    if set(b) != {"MediaBox", "BleedBox", "TrimBox"}:
        bad.append(f"page {p}: boxes {sorted(b)}"); continue
    M, B, T = b["MediaBox"], b["BleedBox"], b["TrimBox"]
    inside = lambda a, o: a[0] >= o[0] - 0.01 and a[1] >= o[1] - 0.01 and a[2] <= o[2] + 0.01 and a[3] <= o[3] + 0.01
    if not (inside(B, M) and inside(T, B)):
        bad.append(f"page {p}: not MediaBox >= BleedBox >= TrimBox: {M} {B} {T}")
    if abs(T[2] - T[0] - trim_w) > 0.05 or abs(T[3] - T[1] - trim_h) > 0.05:
        bad.append(f"page {p}: TrimBox {T} is not {trim_w:.2f} x {trim_h:.2f} pt")
    for i, s in enumerate((-1, -1, 1, 1)):
        if abs(B[i] - (T[i] + s * bleed)) > 0.05:
            bad.append(f"page {p}: BleedBox {B} is not TrimBox {T} + {bleed:.2f} pt")
            break
print("\n".join(bad))
' "${@:2}"
}
findings boxes full.pdf 275 390 3
check_out "full issue: every page's boxes nest, trim 275 × 390 mm, bleed 3 mm" found
findings boxes out.pdf 275 390 3 1
check_out "tabloid page of the test issue: boxes nest, trim 275 × 390 mm, bleed 3 mm" found
findings boxes out.pdf "$(python3 -c 'print(472.5 * 25.4 / 72)')" 280 3 2
check_out "full-bleed page: boxes nest, its own trim (472.5 pt × 280 mm) and bleed" found
findings boxes full.pdf 270 390 3
check "the box check fails on a wrong trim size" test -s found

# ---- photos ----
pdfimages -list out.pdf > images
findings python3 - images <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1]).read().splitlines()[2:]]
img = [r for r in rows if r[2] == "image"]
bad = []
jpeg = [r for r in img if r[8] == "jpeg"]
if len(jpeg) != 3:
    bad.append(f"{len(jpeg)} JPEG photos, expected 3 (cmyk, lowres, wide)")
cmyk = [r for r in img if r[5] == "cmyk"]
if len(cmyk) != 1 or cmyk[0][8] != "jpeg" or cmyk[0][3:5] != ["1200", "800"]:
    bad.append(f"the CMYK photo is not one 1200 x 800 cmyk jpeg: {cmyk}")
png = [r for r in img if r[8] == "image"]
if len(png) != 1 or not any(r[2] == "smask" for r in rows):
    bad.append("the PNG photo is not an image with a soft mask")
print("\n".join(bad))
PY
check_out "pdfimages: three photos as jpeg, the CMYK one as cmyk, the PNG with its alpha" found
mkdir extracted
pdfimages -j out.pdf extracted/img
same=0
for f in cmyk lowres wide; do
  for e in extracted/*.jpg; do cmp -s "$e" "issue/$f.jpg" && same=$((same + 1)) && break; done
done
check "the JPEG photos are embedded byte for byte (no re-encoding)" test $same -eq 3

# The photo frames from the report, in trim coordinates: NAME → "x y w h".
frame () {
  python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
f = [p["frame_pt"] for p in r["photos"] if p["story"] == sys.argv[2]][0]
print(" ".join(str(v) for v in f))' "$1" "$2"
}
read -r cx cy cw ch < <(frame r.json cmyk)
read -r wx wy ww wh < <(frame r.json wide)
read -r lx ly lw lh < <(frame r.json low)

# pixel RENDERER FILE PAGE X Y: the colour "R G B" at (X, Y) pt from the page's top-left.
pixel () {
  local how=$1 file=$2 page=$3 x=$4 y=$5 res=36
  rm -f px.ppm px.pnm
  case $how in
    poppler) pdftoppm -r $res -f "$page" -l "$page" -singlefile "$file" px 2>/dev/null ;;
    mupdf) mutool draw -q -N -c rgb -r $res -o px.pnm "$file" "$page" 2>/dev/null \
             && mv px.pnm px.ppm ;;
    gs) gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=ppmraw -r$res -dFirstPage="$page" \
          -dLastPage="$page" -o px.ppm "$file" >/dev/null 2>&1 ;;
  esac
  python3 - px.ppm "$x" "$y" $res <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
fields, pos = [], 0
while len(fields) < 4:
    while data[pos:pos + 1].isspace():
        pos += 1
    if data[pos:pos + 1] == b"#":
        pos = data.index(b"\n", pos)
        continue
    end = pos
    while not data[end:end + 1].isspace():
        end += 1
    fields.append(data[pos:end]); pos = end
pos += 1
w, h = int(fields[1]), int(fields[2])
scale = float(sys.argv[4]) / 72
x, y = int(float(sys.argv[2]) * scale), int(float(sys.argv[3]) * scale)
i = pos + 3 * (y * w + x)
print(*data[i:i + 3])
PY
}
is_red () { [ "$1" -gt 150 ] && [ "$2" -lt 100 ] && [ "$3" -lt 100 ]; }
is_cyan () { [ "$1" -lt 100 ] && [ "$2" -gt 120 ] && [ "$3" -gt 150 ]; }
is_green () { [ "$1" -lt 100 ] && [ "$2" -gt 120 ] && [ "$3" -lt 100 ]; }
is_white () { [ "$1" -gt 240 ] && [ "$2" -gt 240 ] && [ "$3" -gt 240 ]; }
xy () { python3 -c "import sys; print(*(f'{eval(e):.2f}' for e in sys.argv[1:]))" "$@"; }

# Adobe CMYK JPEGs store inverted ink values: without /Decode a reader prints the red half
# of the photo as black (or the inverse colours).
for how in poppler mupdf gs; do
  read -r px py < <(xy "$margin + $cx + $cw / 4" "$margin + $cy + $ch / 2")
  read -r r g b < <(pixel $how out.pdf 1 "$px" "$py")
  read -r px py < <(xy "$margin + $cx + 3 * $cw / 4" "$margin + $cy + $ch / 2")
  read -r r2 g2 b2 < <(pixel $how out.pdf 1 "$px" "$py")
  if is_red "$r" "$g" "$b" && is_cyan "$r2" "$g2" "$b2"; then
    ok "CMYK photo prints red and cyan in $how"
  else
    not_ok "CMYK photo prints red and cyan in $how" "left half: $r $g $b, right half: $r2 $g2 $b2"
  fi
done

# The wide photo's focal point is in its red left band; a centred crop shows green.
read -r px py < <(xy "$margin + $wx + $ww / 2" "$margin + $wy + $wh / 2")
read -r r g b < <(pixel poppler out.pdf 2 "$px" "$py")
check "focal point: the crop keeps the photo's left (red) part in view" is_red "$r" "$g" "$b"
python3 - <<'PY'
import json
issue = json.load(open("issue/issue.json"))
for story in issue["stories"]:
    for photo in story.get("photos", []):
        photo.pop("focus", None)
json.dump(issue, open("issue/nofocus.json", "w"), ensure_ascii=False)
PY
"$paiban" render issue/nofocus.json -o nofocus.pdf 2>/dev/null
read -r r g b < <(pixel poppler nofocus.pdf 2 "$px" "$py")
check "without a focal point the crop is centred (green)" is_green "$r" "$g" "$b"

python3 - <<'PY'
import json
issue = json.load(open("issue/issue.json"))
issue["stories"][4]["photos"][0]["focus"] = [1.5, 0]
json.dump(issue, open("issue/badfocus.json", "w"), ensure_ascii=False, indent=2)
PY
"$paiban" render issue/badfocus.json -o bad.pdf 2>err
rc=$?
if [ $rc -eq 1 ] && grep -Eq '^paiban: error: issue/badfocus.json:[0-9]+:[0-9]+: story "wide", photo 1: "focus" must be \[x, y\]' err \
   && [ ! -e bad.pdf ]; then
  ok "a focal point outside the photo is an error at its position"
else
  not_ok "a focal point outside the photo is an error at its position" "exit $rc" "$(grep error: err)"
fi

# The wide photo spans the full-bleed page: its frame touches the trim left and right.
read -r px py < <(xy "$margin - 1.5 * 72 / 25.4" "$margin + $wy + $wh / 2")
read -r r g b < <(pixel poppler out.pdf 2 "$px" "$py")
read -r px py < <(xy "$margin + $ww + 1.5 * 72 / 25.4" "$margin + $wy + $wh / 2")
read -r r2 g2 b2 < <(pixel poppler out.pdf 2 "$px" "$py")
if is_red "$r" "$g" "$b" && is_green "$r2" "$g2" "$b2"; then
  ok "a photo touching the trim runs 3 mm into the bleed, left and right"
else
  not_ok "a photo touching the trim runs 3 mm into the bleed, left and right" \
    "left bleed: $r $g $b, right bleed: $r2 $g2 $b2"
fi
read -r px py < <(xy "$margin - 1.5 * 72 / 25.4" "$margin + $cy + $ch / 2")
read -r r g b < <(pixel poppler out.pdf 1 "$px" "$py")
check "a photo inside the type area leaves the bleed white" is_white "$r" "$g" "$b"
read -r px py < <(xy "$margin / 2" "$margin + $wy + $wh / 2")
read -r r g b < <(pixel poppler out.pdf 2 "$px" "$py")
check "nothing beyond the bleed (the marks' area) but marks" is_white "$r" "$g" "$b"

# ---- crop marks ----
# A mark at the top-left corner: on the trim's top line, between 3 and 8 mm left of the trim.
read -r px py < <(xy "$margin - 5.5 * 72 / 25.4" "$margin")
pdftoppm -r 300 -f 1 -l 1 -singlefile -x 0 -y 0 -W 200 -H 200 out.pdf mark 2>/dev/null
findings python3 - mark.ppm "$px" "$py" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
head = data.split(b"\n", 3)
w, h = map(int, head[1].split())
pix = head[3]
s = 300 / 72
x0, y0 = int(float(sys.argv[2]) * s), float(sys.argv[3]) * s
dark = lambda x, y: sum(pix[3 * (y * w + x):3 * (y * w + x) + 3]) < 600
column = [y for y in range(int(y0) - 3, int(y0) + 4) if dark(x0, y)]
print("" if column else f"no mark at ({x0}, {y0:.0f}) px")
inside = [x for x in range(int(y0) + 12, int(y0) + 30) if dark(x, int(y0) + 20)]
print("" if not inside else "ink inside the bleed at the corner")
PY
sed -i '/^$/d' found
check_out "crop mark at the top-left corner, outside the bleed, none inside it" found
qpdf --qdf --object-streams=disable out.pdf qdf.pdf 2>/dev/null

# ---- PDF/X-4 structure ----
qpdf --json=2 --json-stream-data=inline --json-key=qpdf out.pdf > out.json 2>/dev/null
qpdf --json=2 --json-key=pages out.pdf > pages.json 2>/dev/null
findings python3 - out.json pages.json <<'PY'
import base64, datetime, json, re, sys
j = json.load(open(sys.argv[1]))["qpdf"]
objs = j[1]
def obj(ref):
    o = objs["obj:" + ref] if isinstance(ref, str) and ref.endswith(" R") else ref
    return o.get("value", o)
def text(v):
    return v[2:] if isinstance(v, str) and v[:2] in ("u:", "b:") else v
trailer = objs["trailer"]["value"]
root = obj(trailer["/Root"])
info = obj(trailer["/Info"])
bad = []
if j[0]["pdfversion"] < "1.6":
    bad.append(f"PDF version {j[0]['pdfversion']}")
if text(info.get("/GTS_PDFXVersion")) != "PDF/X-4":
    bad.append(f"Info GTS_PDFXVersion: {info.get('/GTS_PDFXVersion')}")
if info.get("/Trapped") != "/False":
    bad.append("Info /Trapped is not /False")
intents = root.get("/OutputIntents", [])
if len(intents) != 1:
    bad.append("no output intent")
else:
    oi = obj(intents[0])
    if oi.get("/S") != "/GTS_PDFX" or "/DestOutputProfile" not in oi:
        bad.append(f"output intent: {oi}")
    else:
        icc = objs["obj:" + oi["/DestOutputProfile"]]["stream"]
        data = base64.b64decode(icc["data"])
        if icc["dict"].get("/N") != 4 or data[16:20] != b"CMYK" or data[12:16] != b"prtr":
            bad.append("the output intent's profile is not a CMYK printer profile")
meta = objs["obj:" + root["/Metadata"]]["stream"]
xmp = base64.b64decode(meta["data"]).decode("utf-8")
def tag(name):
    m = re.search(rf"<{name}>(.*?)</{name}>", xmp, re.S)
    return m.group(1) if m else None
if tag("pdfxid:GTS_PDFXVersion") != "PDF/X-4":
    bad.append("XMP has no pdfxid:GTS_PDFXVersion PDF/X-4")
title = re.search(r"<dc:title>.*?<rdf:li[^>]*>(.*?)</rdf:li>", xmp, re.S)
if not title or title.group(1) != text(info["/Title"]) or title.group(1) != "测试报 2024-02-19":
    bad.append(f"dc:title {title and title.group(1)} vs Info {info.get('/Title')}")
def pdf_date(s):
    m = re.match(r"D:(\d{14})([+-])(\d\d)'(\d\d)'", s)
    t = datetime.datetime.strptime(m.group(1), "%Y%m%d%H%M%S")
    off = (int(m.group(3)) * 60 + int(m.group(4))) * (1 if m.group(2) == "+" else -1)
    return t.replace(tzinfo=datetime.timezone(datetime.timedelta(minutes=off)))
want = datetime.datetime.fromtimestamp(1700000000, datetime.timezone.utc)
for key, xkey in (("/CreationDate", "xmp:CreateDate"), ("/ModDate", "xmp:ModifyDate")):
    d = pdf_date(text(info[key]))
    x = datetime.datetime.fromisoformat(tag(xkey))
    if d != want or x != want:
        bad.append(f"{key} {info[key]} / {xkey} {tag(xkey)}: not SOURCE_DATE_EPOCH")
if tag("pdf:Producer") != text(info["/Producer"]) or tag("xmp:CreatorTool") != text(info["/Creator"]):
    bad.append("XMP producer or creator tool differs from the Info dictionary")
for t in ("xmpMM:DocumentID", "xmpMM:VersionID", "xmpMM:RenditionClass"):
    if not tag(t):
        bad.append(f"XMP has no {t}")
for k, v in objs.items():
    s = v.get("stream")
    if s and s["dict"].get("/Subtype") == "/Image" and s["dict"].get("/ColorSpace") == "/DeviceRGB":
        bad.append(f"{k}: a DeviceRGB image (PDF/X-4 needs ICC-based RGB)")
    if s and s["dict"].get("/ColorSpace") == "/DeviceCMYK" and s["dict"].get("/Filter") == "/DCTDecode":
        if s["dict"].get("/Decode") != [1, 0, 1, 0, 1, 0, 1, 0]:
            bad.append(f"{k}: Adobe CMYK JPEG without /Decode [1 0 1 0 1 0 1 0]")
pages = [obj(p["object"]) for p in json.load(open(sys.argv[2]))["pages"]]
for i, page in enumerate(pages):
    spaces = obj(obj(page["/Resources"])["/ColorSpace"])
    sep = obj(spaces.get("/PBAll", []))
    if sep[:3] != ["/Separation", "/All", "/DeviceCMYK"]:
        bad.append(f"page {i + 1}: the marks' colour space is {sep}, not registration (/All)")
print("\n".join(bad))
PY
check_out "PDF/X-4: output intent, GTS_PDFXVersion, XMP matching Info and the epoch, marks in /All" found

# ---- K-only black, no page group ----
# kcheck QDF_FILE: the page content streams and page dictionaries of a qdf file.
kcheck () {
  python3 - "$1" <<'PY'
import re, sys
d = open(sys.argv[1], "rb").read()
bad = []
pages = re.findall(rb"%% Page \d+\n%% Original object ID: [^\n]*\n\d+ 0 obj\n(.*?)\nendobj", d, re.S)
contents = re.findall(rb"%% Contents for page \d+\n%% Original object ID: [^\n]*\n\d+ 0 obj\n.*?stream\n(.*?)\nendstream", d, re.S)
if not pages or len(pages) != len(contents):
    bad.append(f"{len(pages)} pages, {len(contents)} content streams")
for i, p in enumerate(pages):
    if b"/Group" in p:
        bad.append(f"page {i + 1} has a /Group")
black = re.compile(rb"(^|\s)0(\.0*)?\s+0(\.0*)?\s+0(\.0*)?\s+(rg|RG)(?=\s|$)")
rgb = re.compile(rb"(^|\s)[\d.]+\s+[\d.]+\s+[\d.]+\s+(rg|RG)(?=\s|$)")
for i, c in enumerate(contents):
    if black.search(c):
        bad.append(f"page {i + 1}: 0 0 0 rg/RG left")
    elif rgb.search(c):
        bad.append(f"page {i + 1}: an RGB colour left: {rgb.search(c).group(0)!r}")
    if not re.search(rb"(^|\s)0 g(?=\s)", c):
        bad.append(f"page {i + 1}: no K-only black text (0 g)")
print("\n".join(bad))
PY
}
findings kcheck qdf.pdf
check_out "K-only: no 0 0 0 rg/RG, no RGB colour, no page /Group (test issue)" found
qpdf --qdf --object-streams=disable full.pdf fullqdf.pdf 2>/dev/null
findings kcheck fullqdf.pdf
check_out "K-only: no 0 0 0 rg/RG, no RGB colour, no page /Group (full issue)" found
# The check itself: Cairo's own output, as the proof PDF is, fails it.
qpdf --qdf --object-streams=disable proof.pdf proofqdf.pdf 2>/dev/null
findings kcheck proofqdf.pdf
check "the K-only check finds Cairo's RGB black in the proof PDF" grep -q '0 0 0 rg/RG left' found

# ---- viewers ----
pdfjs_module=""
pdfjs_why=""
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  pdfjs_why="node or npm is not installed"
else
  cache=$build/pdfjs
  pdfjs_module=$cache/node_modules/pdfjs-dist/legacy/build/pdf.mjs
  if [ ! -f "$pdfjs_module" ]; then
    mkdir -p "$cache"
    timeout 300 npm install --prefix "$cache" --no-audit --no-fund --loglevel=error \
      pdfjs-dist@4.10.38 >npm.log 2>&1 || true
  fi
  if [ ! -f "$pdfjs_module" ]; then
    pdfjs_why="npm could not install pdfjs-dist: $(tail -1 npm.log 2>/dev/null)"
    pdfjs_module=""
  fi
fi

viewers () {
  local f=$1 what=$2
  check "$what: qpdf --check" quiet qpdf --check "$f"
  pdftoppm -r 20 "$f" v >/dev/null 2>poppler.err
  check_out "$what: poppler (pdftoppm) says nothing on stderr" poppler.err
  # Debian's MuPDF is built without an ICC engine and says so for any file with an output
  # intent ("warning: ICC support is not available"); -N draws without colour management.
  mutool draw -q -N -r 20 -o /dev/null "$f" >/dev/null 2>mupdf.err
  check_out "$what: MuPDF (mutool draw -N) says nothing on stderr" mupdf.err
  mutool draw -q -r 20 -o /dev/null "$f" 2>&1 | grep -v -x 'warning: ICC support is not available' > mupdf.err
  check_out "$what: MuPDF with colour management: no warning but the missing ICC engine" mupdf.err
  gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=nullpage "$f" >gs.out 2>&1
  check_out "$what: Ghostscript (nullpage) prints no warning" gs.out
  if [ -n "$pdfjs_module" ]; then
    node "$root/tests/pdfjs-check.mjs" "$pdfjs_module" "$f" > pdfjs.out 2>&1
    local rc=$?
    if [ $rc -eq 0 ]; then ok "$what: pdf.js loads every page without a warning"
    else not_ok "$what: pdf.js loads every page without a warning" "$(head -5 pdfjs.out)"; fi
  else
    skip "$what: pdf.js loads every page without a warning" "$pdfjs_why"
  fi
}
viewers out.pdf "test issue"
viewers full.pdf "full issue"
# The viewer checks can fail: a truncated file.
head -c 200000 full.pdf > cut.pdf
gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=nullpage cut.pdf >gs.out 2>&1
check "Ghostscript complains about a damaged file" test -s gs.out

# ---- deterministic output ----
"$paiban" render issue/issue.json -o again.pdf 2>/dev/null
check "same inputs and SOURCE_DATE_EPOCH: identical bytes" cmp -s out.pdf again.pdf
SOURCE_DATE_EPOCH=1700086400 "$paiban" render issue/issue.json -o later.pdf 2>/dev/null
check "another SOURCE_DATE_EPOCH changes the file" bash -c "! cmp -s out.pdf later.pdf"
check "the dates follow SOURCE_DATE_EPOCH" bash -c \
  "pdfinfo -isodates later.pdf | grep -q '^CreationDate: *2023-11-15T22:13:20'"

# ---- failures and SIGKILL midway ----
mkdir -p kill
printf 'the previous output\n' > kill/sentinel
cp kill/sentinel kill/out.pdf
# An unusable output intent profile: the post-process fails after Cairo wrote its file.
"$paiban" render issue/issue.json -o kill/out.pdf --output-profile issue/issue.json 2>err
rc=$?
left=$(cd kill && ls -A | grep -v -x -e out.pdf -e sentinel)
if [ $rc -eq 1 ] && grep -Fxq "paiban: error: issue/issue.json: not an ICC CMYK output (printer) profile" err \
   && cmp -s kill/sentinel kill/out.pdf && [ -z "$left" ]; then
  ok "failing post-process: exit 1, the previous file intact, no temporary file"
else
  not_ok "failing post-process: exit 1, the previous file intact, no temporary file" "exit $rc" \
    "$(grep error: err)" "left: $left"
fi

# A large issue (120 pages with photos) killed while its temporary files are open.
python3 - issue <<'PY'
import json, sys
para = "广东省住房和城乡建设厅近日召开会议，部署推进城市更新和建筑业高质量发展工作，要求各地坚持规划引领，统筹推进老旧小区改造、城中村改造和完整社区建设，切实提升城市品质和人居环境。"
stories, pages = [], []
for p in range(1, 121):
    stories.append({"id": f"s{p}", "headline": f"第{p}版的稿件", "body": "\n\n".join([para] * 40),
                    "photos": [{"file": ["wide.jpg", "cmyk.jpg", "alpha.png"][p % 3], "caption": "图"}]})
    pages.append({"number": p, "items": [{"story": f"s{p}", "column": 1, "span": 6, "top": 0, "height": 60}]})
json.dump({"paper": "测试报", "date": "2024-02-19", "template": "tabloid", "stories": stories,
           "pages": pages}, open(sys.argv[1] + "/big.json", "w"), ensure_ascii=False)
PY
# kill_when: render, and SIGKILL it as soon as it holds a temporary file in kill/ (Cairo's PDF
# is made in memory: the file open is the post-process's). Prints "caught" when the kill landed
# there.
kill_when () {
  "$paiban" render issue/big.json -o kill/out.pdf 2>/dev/null &
  local pid=$! caught=""
  while kill -0 $pid 2>/dev/null; do
    local open
    open=$(ls -l /proc/$pid/fd 2>/dev/null | grep -c -F "$work/kill/")
    if [ "$open" -ge 1 ]; then kill -9 $pid; caught=caught; break; fi
  done
  wait $pid 2>/dev/null
  echo "$? $caught"
}
what="while the print file is written"
result=""
for attempt in 1 2 3 4 5 6 7 8; do
  read -r rc caught < <(kill_when)
  [ "$caught" = caught ] && [ "$rc" = 137 ] && result=caught && break
  cp kill/sentinel kill/out.pdf
done
left=$(cd kill && ls -A | grep -v -x -e out.pdf -e sentinel)
if [ "$result" = caught ] && cmp -s kill/sentinel kill/out.pdf && [ -z "$left" ]; then
  ok "SIGKILL $what: the previous file intact, no temporary file"
elif [ "$result" != caught ]; then
  not_ok "SIGKILL $what: the previous file intact, no temporary file" \
    "the run ended before it could be killed $what (8 attempts)"
else
  not_ok "SIGKILL $what: the previous file intact, no temporary file" "left: $left"
fi
"$paiban" render issue/big.json -o kill/out.pdf 2>/dev/null
rc=$?
left=$(cd kill && ls -A | grep -v -x -e out.pdf -e sentinel)
pages=$(pdfinfo kill/out.pdf 2>/dev/null | awk '/^Pages:/ {print $2}')
check "the same run left alone replaces the file whole (120 pages), nothing else" \
  bash -c "[ $rc -eq 0 ] && [ '$pages' = 120 ] && [ -z '$left' ]"

# ---- the report ----
findings python3 - r.json full.json <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
full = json.load(open(sys.argv[2]))
bad = []
arts = {a["story"]: a for a in r["articles"]}
if sorted(arts) != ["alpha", "cmyk", "low", "over", "wide"]:
    bad.append(f"articles: {sorted(arts)}")
else:
    if [p["page"] for p in arts["wide"]["placements"]] != [2]:
        bad.append(f"wide landed on {arts['wide']['placements']}")
    if any(len(p["area_pt"]) != 4 or p["area_pt"][2] <= 0 for a in arts.values() for p in a["placements"]):
        bad.append("an area is not [x, y, w, h]")
    if arts["over"]["overset_chars"] <= 0 or arts["cmyk"]["overset_chars"] != 0:
        bad.append("overset per article is wrong")
    if any("lone_lines" not in a for a in arts.values()):
        bad.append("an article without lone_lines")
low = [p for p in r["photos"] if p["low_resolution"]]
if [p["story"] for p in low] != ["low"] or not 30 < low[0]["ppi"] < 45:
    bad.append(f"low-resolution photos: {low}")
if not any("lowres.jpg is 37 ppi" in w["message"] and "200 ppi" in w["message"]
           and w["code"] == "low-resolution" and w["story"] == "low" for w in r["warnings"]):
    bad.append("no warning for the low-resolution photo")
pr = r.get("print", {})
if pr.get("standard") != "PDF/X-4" or pr.get("trim_mm") != [275.0, 390.0] or pr.get("bleed_mm") != 3.0:
    bad.append(f"print: {pr}")
if pr.get("cmyk_jpeg_decode") != 1 or pr.get("icc_rgb_images") != 3:
    bad.append(f"print image fixes: {pr}")
for k in ("load", "layout", "write", "prepress", "png", "proof_pdf"):
    if not isinstance(r["timings_s"].get(k), (int, float)):
        bad.append(f"no timing {k}")
if len(full["articles"]) < 8 or any(p["low_resolution"] for p in full["photos"]):
    bad.append("full issue: articles or photos")
print("\n".join(bad))
PY
check_out "report: articles and where they landed, overset, photo resolution, print, timings" found

# ---- proofs ----
"$paiban" render issue/issue.json -o x.pdf --proof 2>/dev/null
check "--proof without --png is a usage error" test $? -eq 2
"$paiban" render issue/issue.json -o plain.pdf --png plain 2>/dev/null
check "the print PDF is the same with or without proofs" cmp -s out.pdf plain.pdf
check "the proof PNG differs from the plain one" bash -c "! cmp -s png/page-01.png plain/page-01.png"
# png_pixel FILE DPI X Y: the colour "R G B" at (X, Y) pt of a PNG proof (Cairo writes 8-bit
# RGB or RGBA, not interlaced).
png_pixel () {
  python3 - "$@" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
pos, idat = 8, b""
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
bpp = 4 if ctype == 6 else 3
raw, stride = zlib.decompress(idat), w * bpp
rows, prev = [], bytearray(stride)
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(line); prev = line
scale = float(sys.argv[2]) / 72
x, y = int(float(sys.argv[3]) * scale), int(float(sys.argv[4]) * scale)
print(*rows[y][x * bpp:x * bpp + 3])
PY
}
# JPEG pixels are decoded only for the PNGs (the PDF embeds the file): they must be there.
read -r px py < <(xy "$cx + $cw / 4" "$cy + $ch / 2")
read -r r g b < <(png_pixel plain/page-01.png 150 "$px" "$py")
read -r px py < <(xy "$cx + 3 * $cw / 4" "$cy + $ch / 2")
read -r r2 g2 b2 < <(png_pixel plain/page-01.png 150 "$px" "$py")
if is_red "$r" "$g" "$b" && is_cyan "$r2" "$g2" "$b2"; then
  ok "CMYK photo on the PNG proof: red and cyan"
else
  not_ok "CMYK photo on the PNG proof: red and cyan" "left half: $r $g $b, right half: $r2 $g2 $b2"
fi
# The proof PDF is the trimmed page: no bleed, no marks (its boxes are all the trim).
proof_boxes () {
  local lines
  lines=$(pdfinfo -box -f 1 -l 1 proof.pdf | grep -E '^Page +1 (MediaBox|TrimBox):') || return 1
  [ "$(grep -c -E 'Box: +0\.00 +0\.00 +779\.53 +1105\.51$' <<<"$lines")" = 2 ] \
    || echo "$lines"
}
findings proof_boxes
check_out "the proof PDF is the trimmed page (275 × 390 mm, no bleed or marks)" found
# count_red FILE PAGE MARGIN X Y W H: pixels in proof red inside the rectangle (trim pt).
count_red () {
  pdftoppm -r 36 -f "$2" -l "$2" -singlefile "$1" red 2>/dev/null
  python3 - red.ppm "${@:3}" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
head = data.split(b"\n", 3)
w, h = map(int, head[1].split())
pix = head[3]
m, x, y, rw, rh = (float(v) * 36 / 72 for v in sys.argv[2:7])
n = 0
for j in range(int(m + y), int(m + y + rh)):
    for i in range(int(m + x), int(m + x + rw)):
        r, g, b = pix[3 * (j * w + i):3 * (j * w + i) + 3]
        n += r >= 205 and g <= 30 and b <= 50
print(n)
PY
}
read -r ox oy ow oh < <(python3 -c '
import json; r = json.load(open("r.json"))
print(*[a for a in r["articles"] if a["story"] == "over"][0]["placements"][0]["area_pt"])')
proof_over=$(count_red proof.pdf 1 0 "$ox" "$oy" "$ow" "$oh")
print_over=$(count_red out.pdf 1 "$margin" "$ox" "$oy" "$ow" "$oh")
proof_low=$(count_red proof.pdf 1 0 "$lx" "$ly" "$lw" "$lh")
print_low=$(count_red out.pdf 1 "$margin" "$lx" "$ly" "$lw" "$lh")
if [ "$proof_over" -gt 0 ] && [ "$proof_low" -gt 0 ] && [ "$print_over" -eq 0 ] && [ "$print_low" -eq 0 ]; then
  ok "proof PDF marks overset text and the low-resolution photo in red; the print PDF does not"
else
  not_ok "proof PDF marks overset text and the low-resolution photo in red; the print PDF does not" \
    "red pixels: proof $proof_over / $proof_low, print $print_over / $print_low"
fi
qpdf --qdf --object-streams=disable "$work/plain.pdf" plainqdf.pdf 2>/dev/null
cmyk_ops=$(grep -a -c -E '(^| )[0-9.]+ [0-9.]+ [0-9.]+ [0-9.]+ k( |$)' plainqdf.pdf)
check "no overlay colours in the print PDF (one CMYK colour: the masthead)" test "$cmyk_ops" -eq 1
check "proof PDF passes qpdf --check" quiet qpdf --check proof.pdf

# Spot colours: the boxed story's frame, tint and bar, the column rules and the logo of the
# cases elements and logo print on the plate of a Separation colour space named 报头红 with
# its CMYK alternate (0 100 100 10 %) in the pages' colour spaces; black stays K only; the
# proof PDF shows the alternate (RGB) and names no spot.
"$paiban" render "$root/tests/layout/elements.json" -o spot.pdf --proof-pdf spot-proof.pdf 2>/dev/null
check "a page with spot colours renders" test $? -eq 0
check "the spot colour page passes qpdf --check" quiet qpdf --check spot.pdf
qpdf --qdf --object-streams=disable spot.pdf spotqdf.pdf 2>/dev/null
findings python3 - spotqdf.pdf <<'PY'
import re, sys
pdf = open(sys.argv[1], "rb").read()
name = "/" + "".join("#%02x" % b for b in "报头红".encode())
space = re.search(rb"/Separation\s+" + re.escape(name.encode()) + rb"\s+/DeviceCMYK\s+<<(.*?)>>", pdf, re.S)
if not space:
    print("no Separation colour space named 报头红")
elif [float(v) for v in re.search(rb"/C1 \[(.*?)\]", space.group(1), re.S).group(1).split()] != [0, 1, 1, 0.1]:
    print("the alternate is not C0 M100 Y100 K10:", space.group(1))
if not re.search(rb"/ColorSpace\s*<<[^>]*/PBSpot0\s+\d+ 0 R", pdf):
    print("the spot's colour space is not in a page's resources")
for op, what in ((rb"/PBSpot0 cs 0.12 scn", "the box's 12% tint"), (rb"/PBSpot0 cs 1 scn", "the bar"),
                 (rb"/PBSpot0 CS 1 SCN", "the column rules")):
    if op not in pdf:
        print(what, "not in the spot colour:", op)
if re.search(rb"(^|\s)0 0 0 1 k", pdf):
    print("black as CMYK: not K only")
PY
check_out "spot colour: a Separation space with its CMYK alternate, used by the box, its tint, bar and rules" found
check "the proof PDF shows the spot in its alternate and names no spot" \
  bash -c '! qpdf --qdf --object-streams=disable spot-proof.pdf - 2>/dev/null | grep -aq Separation'
"$paiban" render "$root/tests/layout/logo.json" -o logo.pdf 2>/dev/null
check "the masthead logo in a spot colour passes qpdf --check" quiet qpdf --check logo.pdf
check "the masthead logo is painted in the spot colour" \
  bash -c 'qpdf --qdf --object-streams=disable logo.pdf - 2>/dev/null | grep -aq "/PBSpot0 cs 1 scn"'

# proofcheck, the shared PDF proofreader, honours the TrimBox: the print PDF still passes.
proofcheck=$root/../shared/tools/proofcheck
if [ -x "$proofcheck" ]; then
  "$paiban" render "$root/examples/front-page/issue.json" -o front.pdf 2>/dev/null
  "$proofcheck" front.pdf --expect "$root/tests/data/front-page.expect" > pc.out 2>&1
  check "proofcheck passes on the front page's print PDF" grep -q '^RESULT: PASS' pc.out
  "$proofcheck" full.pdf > pc.out 2>&1
  check "proofcheck passes on the full issue's print PDF" grep -q '^RESULT: PASS' pc.out
else
  skip "proofcheck passes on the print PDFs" "shared/tools/proofcheck is not beside the tree"
fi

echo "1..$n"
