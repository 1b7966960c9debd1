# Sanity check for gold.toml; run from /work/main: python3 tests/data/reporting/verify_gold.py
import tomllib, glob, os, collections
gold = tomllib.load(open("tests/data/reporting/gold.toml", "rb"))
links = gold["link"]
files = sorted(glob.glob("tests/data/reporting/*.txt"))
texts = {p: open(p, encoding="utf-8").read() for p in files}
bad = 0
valid = {"donbas-withdrawal","demilitarized-zone","crimea-recognition","contact-line-freeze"} | {str(i) for i in range(1,29) if i != 21} | {"10a","10b","10c","10d","20a","20b","20c","21c","24a","24b","24c","24d"}
seen = set()
for l in links:
    assert set(l) == {"source","quote","provision","grade"}, l
    assert l["source"] in texts, l["source"]
    assert l["provision"] in valid, l["provision"]
    assert l["grade"] in (1, 2)
    assert len(l["quote"]) <= 250, (len(l["quote"]), l["quote"])
    if l["quote"] not in texts[l["source"]]:
        print("NOT FOUND:", l["source"], repr(l["quote"])); bad += 1
    if texts[l["source"]].count(l["quote"]) > 1: print("AMBIGUOUS:", repr(l["quote"]))
    key = (l["source"], l["quote"], l["provision"])
    assert key not in seen, key; seen.add(key)
unref = [p for p in files if p not in {l["source"] for l in links}]
print("links", len(links), "bad", bad, "unreferenced", unref)
for p,t in texts.items():
    paras = t.strip().split("\n\n")
    print(f"{os.path.basename(p):40s} words={len(t.split()):4d} links={sum(l['source']==p for l in links)}")
c = collections.defaultdict(lambda: [0,0])
for l in links: c[l["provision"]][2-l["grade"]] += 1
order = ["donbas-withdrawal","demilitarized-zone","crimea-recognition","contact-line-freeze"] + sorted([k for k in c if k[0].isdigit()], key=lambda k:(int(''.join(ch for ch in k if ch.isdigit())), k))
for k in order: print(f"{k:22s} g2={c[k][0]:3d} g1={c[k][1]:3d}")
missing = [k for k in valid if c[k][0] < 2]
print("provisions with <2 grade-2 links:", sorted(missing))
# distinct files per provision (grade 2)
fp = collections.defaultdict(set)
for l in links:
    if l["grade"]==2: fp[l["provision"]].add(l["source"])
print("provisions echoed (g2) in <2 files:", sorted(k for k in valid if len(fp[k])<2))
