// Opens a PDF with pdf.js (as Firefox and many web viewers do) and fails on any warning or
// error: every page is parsed to its operator list (content streams, fonts, images, colour
// spaces) and its text is extracted.
// Usage: node pdfjs-check.mjs PDFJS_MODULE FILE.pdf
//   PDFJS_MODULE: the path of pdfjs-dist/legacy/build/pdf.mjs
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [modulePath, file] = process.argv.slice(2);
if (!modulePath || !file) {
  console.error("usage: node pdfjs-check.mjs PDFJS_MODULE FILE.pdf");
  process.exit(2);
}

// pdf.js reports problems through console.log ("Warning: …") and console.error.
const messages = [];
for (const level of ["log", "warn", "error", "info"]) {
  console[level] = (...args) => messages.push(`${level}: ${args.join(" ")}`);
}

const pdfjs = await import(pathToFileURL(modulePath).href);
let pages = 0;
try {
  const data = new Uint8Array(readFileSync(file));
  const doc = await pdfjs.getDocument({
    data,
    verbosity: pdfjs.VerbosityLevel.WARNINGS,
    isEvalSupported: false,
    stopAtErrors: true,
  }).promise;
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    await page.getOperatorList();
    await page.getTextContent();
    pages++;
  }
  await doc.destroy();
} catch (e) {
  messages.push(`exception: ${e && e.message ? e.message : e}`);
}
process.stdout.write(`${pages} page(s)\n`);
if (messages.length) {
  process.stdout.write(messages.join("\n") + "\n");
  process.exit(1);
}
