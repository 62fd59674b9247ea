/*
 * Summarises a CPU profile written by `BENCH_PROFILE=<dir> npm run bench:collab`, or by the
 * server under `BENCH_BROEN_NODE_ARGS="--cpu-prof --cpu-prof-dir=<dir>" npm run bench:plan`:
 * `tsx bench/lib/profile.ts <file.cpuprofile> [rows] [windows]` prints the self time per
 * script (chunk) and per function (ms, largest first), and the total time under each of a few
 * markers (TipTap editor creation, Yjs sync, React render), so the cost can be attributed.
 * `windows` ("from-to,from-to", CLOCK_MONOTONIC µs as bench:plan prints its measured blocks)
 * counts only the samples inside them, e.g. the /tasks blocks, and leaves out idle time.
 */
import fs from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const file = process.argv[2];
if (!file) throw new Error("usage: tsx bench/lib/profile.ts <file.cpuprofile> [rows] [windows]");
const rows = Number(process.argv[3] ?? 25);
const windows = (process.argv[4] ?? "")
  .split(",")
  .filter(Boolean)
  .map((range) => range.split("-").map(Number) as [number, number]);
const profile = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes)
  for (const child of node.children ?? []) parent.set(child, node.id);

const self = new Map<number, number>(); // node id → µs
// A sample's timestamp is the profile's start plus the deltas up to it (the profiler's clock
// is CLOCK_MONOTONIC in µs, as bench:plan's windows are); within windows, idle is left out.
let at = profile.startTime;
let counted = 0;
profile.samples.forEach((id, i) => {
  at += profile.timeDeltas[i] ?? 0;
  if (windows.length) {
    if (!windows.some(([from, to]) => at >= from && at < to)) return;
    if (byId.get(id)!.callFrame.functionName === "(idle)") return;
  }
  const us = profile.timeDeltas[i + 1] ?? 0;
  counted += us;
  self.set(id, (self.get(id) ?? 0) + us);
});

const short = (url: string) => url.replace(/^.*\/build\//, "").replace(/^https?:\/\/[^/]+/, "");
const add = (map: Map<string, number>, key: string, us: number) =>
  map.set(key, (map.get(key) ?? 0) + us);
const perScript = new Map<string, number>();
const perFunction = new Map<string, number>();
const inclusive = new Map<string, number>();
const MARKERS: Array<[string, RegExp]> = [
  ["new Editor / createView (TipTap)", /^(createView|EditorView|Editor)$/],
  [
    "ySyncPlugin (_forceRerender / binding)",
    /^(_forceRerender|_renderSnapshot|createNodeFromYElement|_prosemirrorChanged)$/,
  ],
  ["Yjs readUpdate / applyUpdate", /^(readUpdateV2|readUpdate|applyUpdateV2|applyUpdate)$/],
  ["React performWorkUntilDeadline", /^performWorkUntilDeadline$/],
  ["WebsocketProvider message", /^(readMessage|onmessage)$/],
];
for (const [id, us] of self) {
  const node = byId.get(id)!;
  const { functionName, url, lineNumber } = node.callFrame;
  add(perScript, url ? short(url) : `(${functionName || "anonymous"})`, us);
  add(perFunction, `${functionName || "(anonymous)"} ${short(url)}:${lineNumber + 1}`, us);
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const name = byId.get(at)!.callFrame.functionName;
    for (const [label, pattern] of MARKERS) {
      if (!seen.has(label) && pattern.test(name)) {
        seen.add(label);
        add(inclusive, label, us);
      }
    }
  }
}
const ms = (us: number) => (us / 1000).toFixed(1).padStart(8);
const print = (title: string, map: Map<string, number>) => {
  console.log(title);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, rows)) {
    console.log(`${ms(us)} ms  ${key}`);
  }
};
console.log(
  `profile of ${((profile.endTime - profile.startTime) / 1000).toFixed(0)} ms` +
    (windows.length ? `; ${(counted / 1000).toFixed(0)} ms busy within the windows` : ""),
);
print("self time per script:", perScript);
print("self time per function:", perFunction);
print("total time under:", inclusive);
