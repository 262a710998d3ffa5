// make-icons.mjs - the PNG icons a browser asks for, rasterised from the one
// source web/icon.svg (its rect and circle shapes, filled), with 4x4
// supersampling. Writes icon-192.png, icon-512.png, icon-maskable-512.png
// (the shapes shrunk into the safe zone on the background colour),
// apple-touch-icon.png (180) and favicon-32.png.
// Usage: node make-icons.mjs web/icon.svg OUT_DIR
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const [src, outDir] = process.argv.slice(2);
const svg = fs.readFileSync(src, 'utf8');
const attr = (tag, name) => { const m = new RegExp(`\\b${name}="([^"]*)"`).exec(tag); return m ? m[1] : null; };
const hex = (c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
const shapes = [];
for (const m of svg.matchAll(/<(rect|circle)\b[^>]*>/g)) {
  const t = m[0];
  if (m[1] === 'rect') shapes.push({ kind: 'rect', x: +attr(t, 'x'), y: +attr(t, 'y'), w: +attr(t, 'width'), h: +attr(t, 'height'), rx: +(attr(t, 'rx') || 0), fill: hex(attr(t, 'fill')) });
  else shapes.push({ kind: 'circle', cx: +attr(t, 'cx'), cy: +attr(t, 'cy'), r: +attr(t, 'r'), fill: hex(attr(t, 'fill')) });
}
const box = (attr(svg.match(/<svg[^>]*>/)[0], 'viewBox') || '0 0 512 512').split(/\s+/).map(Number);

function inside(s, x, y) {
  if (s.kind === 'circle') return (x - s.cx) ** 2 + (y - s.cy) ** 2 <= s.r * s.r;
  if (x < s.x || y < s.y || x > s.x + s.w || y > s.y + s.h) return false;
  const r = Math.min(s.rx, s.w / 2, s.h / 2);
  const cx = Math.min(Math.max(x, s.x + r), s.x + s.w - r), cy = Math.min(Math.max(y, s.y + r), s.y + s.h - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

// scale < 1 draws the shapes smaller, centred, on a full-bleed background (maskable).
function render(size, scale = 1, background = null) {
  const px = Buffer.alloc(size * size * 4);
  const N = 4;
  for (let py = 0; py < size; py++)
    for (let pxx = 0; pxx < size; pxx++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < N; sy++)
        for (let sx = 0; sx < N; sx++) {
          let u = ((pxx + (sx + 0.5) / N) / size) * box[2], v = ((py + (sy + 0.5) / N) / size) * box[3];
          u = box[2] / 2 + (u - box[2] / 2) / scale;
          v = box[3] / 2 + (v - box[3] / 2) / scale;
          let c = background, covered = !!background;
          for (const s of shapes) if (inside(s, u, v)) { c = s.fill; covered = true; }
          if (covered) { r += c[0]; g += c[1]; b += c[2]; a += 255; }
        }
      const n = N * N, o = (py * size + pxx) * 4;
      if (a) { px[o] = Math.round(r / (a / 255)); px[o + 1] = Math.round(g / (a / 255)); px[o + 2] = Math.round(b / (a / 255)); }
      px[o + 3] = Math.round(a / n);
    }
  return png(size, px);
}

function png(size, rgba) {
  const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
  const crc = (buf) => { let c = 0xffffffff; for (const x of buf) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0); ihdr.writeUInt32BE(size, 4); ihdr[8] = 8; ihdr[9] = 6;
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

fs.mkdirSync(outDir, { recursive: true });
const bg = shapes[0].fill;
const out = { 'icon-192.png': render(192), 'icon-512.png': render(512), 'icon-maskable-512.png': render(512, 0.8, bg),
              'apple-touch-icon.png': render(180, 0.9, bg), 'favicon-32.png': render(32) };
for (const [name, data] of Object.entries(out)) fs.writeFileSync(path.join(outDir, name), data);
