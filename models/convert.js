#!/usr/bin/env node
// Converts one TensorFlow.js weights manifest (+ its .bin shards) into a pgface model
// file (.pgfm), the mmap-friendly format specified in models/README.md.
//   node models/convert.js MANIFEST.json OUT.pgfm
// Quantized tensors are expanded exactly as TensorFlow.js does it:
// value = q * scale + min, computed in double and stored as float32.
'use strict';
const fs = require('fs');
const path = require('path');

const MAGIC = 'PGFACEMD';
const FORMAT_VERSION = 1;
const HEADER_BYTES = 64;
const ENTRY_BYTES = 128;
const NAME_BYTES = 96;
const ALIGN = 64;
const DTYPE_FLOAT32 = 1;
const MAX_DIMS = 4;

function fail(message) {
  console.error(`convert.js: ${message}`);
  process.exit(1);
}

const alignUp = (n) => Math.ceil(n / ALIGN) * ALIGN;

// Reads every tensor of the manifest as float32, in manifest order.
function readTensors(manifestPath) {
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  const dir = path.dirname(manifestPath);
  const tensors = [];
  for (const group of manifest) {
    const data = Buffer.concat(group.paths.map((p) => fs.readFileSync(path.join(dir, p))));
    let offset = 0;
    for (const w of group.weights) {
      if (w.dtype !== 'float32') fail(`${w.name}: unsupported dtype ${w.dtype}`);
      if (w.shape.length > MAX_DIMS) fail(`${w.name}: more than ${MAX_DIMS} dimensions`);
      if (Buffer.byteLength(w.name) >= NAME_BYTES) fail(`${w.name}: name too long`);
      const count = w.shape.reduce((a, b) => a * b, 1);
      const values = new Float32Array(count);
      const q = w.quantization;
      if (!q) {
        for (let i = 0; i < count; i++) values[i] = data.readFloatLE(offset + 4 * i);
        offset += 4 * count;
      } else if (q.dtype === 'uint8' || q.dtype === 'uint16') {
        const size = q.dtype === 'uint8' ? 1 : 2;
        for (let i = 0; i < count; i++) {
          const v = size === 1 ? data[offset + i] : data.readUInt16LE(offset + 2 * i);
          values[i] = v * q.scale + q.min;
        }
        offset += size * count;
      } else {
        fail(`${w.name}: unsupported quantization ${q.dtype}`);
      }
      if (offset > data.length) fail(`${w.name}: runs past the end of the weights`);
      tensors.push({ name: w.name, shape: w.shape, values });
    }
    if (offset !== data.length) fail(`${group.paths}: ${data.length - offset} bytes left unread`);
  }
  return tensors;
}

// FNV-1a over little-endian 32-bit words: cheap to verify at load, catches corruption.
function checksum(buf, start) {
  let h = 0x811c9dc5;
  for (let i = start; i < buf.length; i += 4) h = Math.imul(h ^ buf.readUInt32LE(i), 16777619) >>> 0;
  return h >>> 0;
}

function writeModel(tensors, outPath) {
  const tableEnd = HEADER_BYTES + ENTRY_BYTES * tensors.length;
  let cursor = alignUp(tableEnd);
  const dataOffset = cursor;
  const placed = tensors.map((t) => {
    const at = cursor;
    cursor = alignUp(at + 4 * t.values.length);
    return { ...t, at };
  });
  const buf = Buffer.alloc(cursor);

  buf.write(MAGIC, 0, 'latin1');
  buf.writeUInt32LE(FORMAT_VERSION, 8);
  buf.writeUInt32LE(tensors.length, 12);
  buf.writeBigUInt64LE(BigInt(HEADER_BYTES), 16);
  buf.writeBigUInt64LE(BigInt(dataOffset), 24);
  buf.writeBigUInt64LE(BigInt(buf.length), 32);

  placed.forEach((t, i) => {
    const e = HEADER_BYTES + ENTRY_BYTES * i;
    buf.write(t.name, e, 'utf8');
    buf.writeUInt32LE(DTYPE_FLOAT32, e + 96);
    buf.writeUInt32LE(t.shape.length, e + 100);
    t.shape.forEach((d, k) => buf.writeUInt32LE(d, e + 104 + 4 * k));
    buf.writeBigUInt64LE(BigInt(t.at), e + 120);
    Buffer.from(t.values.buffer).copy(buf, t.at);
  });

  buf.writeUInt32LE(checksum(buf, HEADER_BYTES), 40);
  fs.writeFileSync(outPath, buf);
}

// Winograd F(2x2, 3x3) filter transform U = G g G^T, [3, 3, in, out] -> [16, in, out],
// for the standard 3x3 filters of at most 64 channels: there the activations outweigh
// the weights and Winograd pays; on wider layers the bigger transformed weights do not. Computed in double, in the same order as
// pgface_winograd_transform_filters in src/nn/winograd.c, then rounded to float32.
const G = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]];
function winogradTransform(t) {
  const [, , inC, outC] = t.shape;
  const values = new Float32Array(16 * inC * outC);
  for (let i = 0; i < inC; i++) {
    for (let o = 0; o < outC; o++) {
      const g = [0, 1, 2].map((r) => [0, 1, 2].map((k) => t.values[((r * 3 + k) * inC + i) * outC + o]));
      const m = G.map((row) => [0, 1, 2].map((k) => row[0] * g[0][k] + row[1] * g[1][k] + row[2] * g[2][k]));
      for (let r = 0; r < 4; r++) {
        for (let k = 0; k < 4; k++) {
          values[((r * 4 + k) * inC + i) * outC + o] = m[r][0] * G[k][0] + m[r][1] * G[k][1] + m[r][2] * G[k][2];
        }
      }
    }
  }
  return { name: `${t.name}${WINOGRAD_SUFFIX}`, shape: [16, inC, outC], values };
}
const WINOGRAD_SUFFIX = '@winograd';
const WINOGRAD_MAX_CHANNELS = 64;
const isStandard3x3 = (t) => t.shape.length === 4 && t.shape[0] === 3 && t.shape[1] === 3
  && t.shape[3] > 1 && t.shape[2] <= WINOGRAD_MAX_CHANNELS && t.shape[3] <= WINOGRAD_MAX_CHANNELS
  && t.name.endsWith('filters');

// The weight-bound filters (those of no Winograd transform: the 7x7 stem and the 3x3
// convs wider than 64 channels) again, packed in panels of 16 output channels,
// [3, 3, in, out] as a [kh * kw * in, out] matrix -> [out / 16, kh * kw * in, 16]: each
// panel is one contiguous stream for pgface_gemm_packed (src/nn/gemm.c), where the
// row-major filters would be read in 64-byte pieces out * 4 bytes apart. Values unchanged.
const PANEL = 16;
const PANELS_SUFFIX = '@panels16';
function panelPack(t) {
  const [kh, kw, inC, outC] = t.shape;
  const depth = kh * kw * inC;
  const values = new Float32Array(depth * outC);
  for (let j = 0; j < outC; j++) {
    for (let p = 0; p < depth; p++) {
      values[(Math.floor(j / PANEL) * depth + p) * PANEL + (j % PANEL)] = t.values[p * outC + j];
    }
  }
  return { name: `${t.name}${PANELS_SUFFIX}`, shape: [outC / PANEL, depth, PANEL], values };
}
const isPanelled = (t) => t.shape.length === 4 && t.name.endsWith('filters') && t.shape[3] % PANEL === 0
  && !isStandard3x3(t);

if (require('os').endianness() !== 'LE') fail('the model format is little-endian; convert on a little-endian machine');
const [manifest, out] = process.argv.slice(2);
if (!manifest || !out) fail('usage: node convert.js MANIFEST.json OUT.pgfm');
const tensors = readTensors(manifest);
writeModel(tensors.concat(tensors.filter(isStandard3x3).map(winogradTransform),
  tensors.filter(isPanelled).map(panelPack)), out);
