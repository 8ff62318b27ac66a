#!/usr/bin/env node
// False faces: photos with no person in them, through the pgface CLI. Every one should give
// no face, from `pgface detect` (faces(): the configured detector size) and from
// `pgface embed` (embed(): the configured size, then the smaller ones for a centred face).
// Not part of the test suite: it reads ../shared.
//
//   node test/bench/false_faces.js [--scenes DIR] [--out DIR] [--cli PATH]
//
// The photos: dlib's dogs.jpg, and every strip of a dlib scene photo that lies clear of
// its annotated faces (each box grown by half its size, and strips at least 96 pixels
// each way), cut with ImageMagick; the same strips of the model package's sample photos
// and face-api's group photos, clear of every face the detector finds there at any size
// and a score of 0.3; plus ImageMagick's own pictures without faces
// (plasma fractals, gradients, noise, its rose:). Prints one line per photo that gives a
// face, and the counts.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');

const repo = path.resolve(__dirname, '..', '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const scenes = option('--scenes', path.join(repo, '..', 'shared', 'data', 'dlib_faces_scenes'));
const out = option('--out', fs.mkdtempSync(path.join(os.tmpdir(), 'false-faces-')));
const groups = path.join(scenes, '..', 'faceapi_bbt', '_group_photos');
const cli = option('--cli', process.env.PGFACE_CLI || path.join(repo, 'build', 'pgface'));
fs.mkdirSync(out, { recursive: true });
if (!fs.existsSync(scenes)) {
  console.log(`false_faces.js: ${scenes} not found; skipped`);
  process.exit(0);
}

// Face boxes per scene photo, from both of dlib's XML files.
function annotatedBoxes() {
  const boxes = new Map();
  for (const xml of ['training.xml', 'testing.xml']) {
    const text = fs.readFileSync(path.join(scenes, xml), 'utf8');
    for (const image of text.split('<image ').slice(1)) {
      const file = /file='([^']+)'/.exec(image)[1];
      const width = Number(/width='(\d+)'/.exec(image)[1]);
      const height = Number(/height='(\d+)'/.exec(image)[1]);
      const list = [...image.matchAll(/<box top='(-?\d+)' left='(-?\d+)' width='(\d+)' height='(\d+)'/g)]
        .map((m) => ({ top: +m[1], left: +m[2], width: +m[3], height: +m[4] }));
      boxes.set(file, { width, height, list });
    }
  }
  return boxes;
}

// The four strips of the photo outside the union of the grown boxes.
function clearStrips(photo) {
  const grown = photo.list.map((b) => ({
    x0: Math.max(0, b.left - b.width / 2), y0: Math.max(0, b.top - b.height / 2),
    x1: Math.min(photo.width, b.left + 1.5 * b.width), y1: Math.min(photo.height, b.top + 1.5 * b.height),
  }));
  const x0 = Math.min(...grown.map((b) => b.x0));
  const x1 = Math.max(...grown.map((b) => b.x1));
  const y0 = Math.min(...grown.map((b) => b.y0));
  const y1 = Math.max(...grown.map((b) => b.y1));
  return [
    { name: 'left', x: 0, y: 0, w: x0, h: photo.height },
    { name: 'right', x: x1, y: 0, w: photo.width - x1, h: photo.height },
    { name: 'top', x: 0, y: 0, w: photo.width, h: y0 },
    { name: 'bottom', x: 0, y: y1, w: photo.width, h: photo.height - y1 },
  ].map((s) => ({ ...s, x: Math.round(s.x), y: Math.round(s.y), w: Math.floor(s.w), h: Math.floor(s.h) }))
    .filter((s) => s.w >= 96 && s.h >= 96);
}

function makePhotos() {
  const photos = [path.join(scenes, 'dogs.jpg')];
  for (const [file, photo] of annotatedBoxes()) {
    for (const s of clearStrips(photo)) {
      const target = path.join(out, `${path.basename(file, '.jpg')}-${s.name}.jpg`);
      execFileSync('convert', [path.join(scenes, file), '-crop', `${s.w}x${s.h}+${s.x}+${s.y}`, '+repage', target]);
      photos.push(target);
    }
  }
  // Photos of people without annotations (the model package's samples, face-api's group
  // photos): their faces are what the detector finds at any of its sizes, so a strip clear
  // of those holds no face the detector could see.
  const unannotated = [
    ...fs.readdirSync(path.join(repo, 'build', 'models', 'face-api', 'demo')).filter((f) => /^sample\d\.jpg$/.test(f))
      .map((f) => path.join(repo, 'build', 'models', 'face-api', 'demo', f)),
    ...(fs.existsSync(groups) ? fs.readdirSync(groups).filter((f) => /\.(jpe?g|png)$/i.test(f)).map((f) => path.join(groups, f)) : []),
  ];
  for (const file of unannotated) {
    const size = execFileSync('identify', ['-format', '%w %h', file], { encoding: 'utf8' }).split(' ').map(Number);
    const list = [];
    for (const inputSize of ['416', '320', '224', '160', '128']) {
      const detect = JSON.parse(execFileSync(cli, ['detect', '--input-size', inputSize, '--threshold', '0.3', file], { encoding: 'utf8' }));
      for (const f of detect.faces) list.push({ left: f.box[0], top: f.box[1], width: f.box[2], height: f.box[3] });
    }
    if (list.length === 0) continue;
    for (const s of clearStrips({ width: size[0], height: size[1], list })) {
      const target = path.join(out, `${path.basename(file).replace(/\.[^.]+$/, '')}-${s.name}.jpg`);
      execFileSync('convert', [file, '-crop', `${s.w}x${s.h}+${s.x}+${s.y}`, '+repage', target]);
      photos.push(target);
    }
  }
  const synthetic = {
    'plasma-1.jpg': ['-seed', '1', '-size', '640x480', 'plasma:fractal'],
    'plasma-2.jpg': ['-seed', '2', '-size', '480x640', 'plasma:fractal'],
    'plasma-3.jpg': ['-seed', '3', '-size', '800x600', 'plasma:green-yellow'],
    'gradient.jpg': ['-size', '640x480', 'gradient:white-black'],
    'radial.jpg': ['-size', '600x600', 'radial-gradient:white-black'],
    'noise.jpg': ['-seed', '4', '-size', '640x480', 'xc:gray', '+noise', 'Random'],
    'rose.jpg': ['rose:', '-resize', '400%'],
    'grey.jpg': ['-size', '640x480', 'xc:gray50'],
  };
  for (const [name, recipe] of Object.entries(synthetic)) {
    const target = path.join(out, name);
    execFileSync('convert', [...recipe, target]);
    photos.push(target);
  }
  return photos;
}

const photos = makePhotos();
let detected = 0;
let embedded = 0;
for (const photo of photos) {
  const detect = spawnSync(cli, ['detect', photo], { encoding: 'utf8' });
  const faces = detect.status === 0 ? JSON.parse(detect.stdout).faces.length : 0;
  const embed = spawnSync(cli, ['embed', photo], { encoding: 'utf8' });
  const gotEmbedding = embed.status === 0 && embed.stdout.includes('"embedding"');
  if (faces > 0) detected++;
  if (gotEmbedding) embedded++;
  if (faces > 0 || gotEmbedding)
    console.log(`  ${path.basename(photo)}: detect ${faces} face(s), embed ${gotEmbedding ? 'an embedding' : 'no face'}`);
}
console.log(`photos without a person: ${photos.length} (in ${out})`);
console.log(`  detect (faces()) found a face in   ${detected}`);
console.log(`  embed() returned an embedding for  ${embedded}`);
