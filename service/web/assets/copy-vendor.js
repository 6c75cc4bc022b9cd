// Copy the built editor into the service's static folder, so that the service
// serves it itself: no CDN at run time, the editor works offline.
const fs = require("fs");
const path = require("path");

const build = path.join(__dirname, "node_modules", "@triply", "yasgui", "build");
const target = path.join(__dirname, "..", "static", "vendor", "yasgui");
const files = ["yasgui.min.js", "yasgui.min.css"];

fs.mkdirSync(target, { recursive: true });
for (const name of files) {
  fs.copyFileSync(path.join(build, name), path.join(target, name));
}
const version = require("@triply/yasgui/package.json").version;
fs.writeFileSync(path.join(target, "VERSION"), version + "\n");
console.log(`YASGUI ${version} copied to ${path.relative(process.cwd(), target)}`);
