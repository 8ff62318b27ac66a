#!/usr/bin/env node
// Compares "pgface detect" output with face-api's detections of the same photos
// (detections.jsonl, from ../shared/tools/faceapi-reference run.sh detect).
//   node compare_detections.js detections.jsonl OURS.jsonl
// For every reference face, the best-overlapping pgface face must have IoU >= 0.9, and
// its 68 landmarks must lie within 2% of the box size of face-api's on average, and, run
// with "--alignment faceapi", its embedding must lie within 0.15 of face-api's descriptor
// (the two decode JPEGs with different decoders, so pixels differ slightly). Both sides
// must find the same number of faces. One TAP line per photo; exit 1 on failure.
'use strict';
const fs = require('fs');
const path = require('path');

const [referencePath, oursPath] = process.argv.slice(2);
const read = (file) => new Map(fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)
  .map(JSON.parse).map((r) => [path.basename(r.file), r.faces]));
const reference = read(referencePath);
const ours = read(oursPath);

function iou(a, b) {
  const w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  const inter = Math.max(w, 0) * Math.max(h, 0);
  return inter / (a[2] * a[3] + b[2] * b[3] - inter);
}

let failed = 0;
for (const [file, expected] of reference) {
  const found = ours.get(file) || [];
  let worstIou = 1;
  let worstLandmarks = 0;
  let worstDescriptor = 0;
  for (const face of expected) {
    const match = found.reduce((best, f) => (iou(f.box, face.box) > iou(best.box, face.box) ? f : best),
      found[0] || { box: [0, 0, 1, 1], landmarks: [] });
    worstIou = Math.min(worstIou, iou(match.box, face.box));
    const size = Math.sqrt(face.box[2] * face.box[3]);
    const error = face.landmarks.reduce((s, p, i) => s + (match.landmarks[i]
      ? Math.hypot(p[0] - match.landmarks[i][0], p[1] - match.landmarks[i][1]) : Infinity), 0)
      / face.landmarks.length / size;
    worstLandmarks = Math.max(worstLandmarks, error);
    const distance = match.embedding
      ? Math.sqrt(face.descriptor.reduce((s, v, i) => s + (v - match.embedding[i]) ** 2, 0)) : Infinity;
    worstDescriptor = Math.max(worstDescriptor, distance);
  }
  const ok = found.length === expected.length && worstIou >= 0.9 && worstLandmarks <= 0.02
    && worstDescriptor <= 0.15;
  if (!ok) failed++;
  console.log(`${ok ? 'ok' : 'not ok'} - detection ${file}: ${found.length}/${expected.length} faces, `
    + `worst IoU ${worstIou.toFixed(3)}, worst mean landmark error ${(100 * worstLandmarks).toFixed(2)}% of the box, `
    + `worst descriptor distance ${worstDescriptor.toFixed(3)}`);
}
process.exit(failed === 0 ? 0 : 1);
