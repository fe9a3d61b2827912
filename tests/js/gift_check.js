// Parse a GIFT file with gift-pegjs and print the parsed questions as JSON; a syntax error
// exits 1 with the parser's message and location. Usage: node gift_check.js FILE
const fs = require("fs");
const { parse } = require("gift-pegjs");

const text = fs.readFileSync(process.argv[2], "utf8");
try {
  process.stdout.write(JSON.stringify(parse(text)));
} catch (error) {
  const where = error.location ? ` at line ${error.location.start.line}, column ${error.location.start.column}` : "";
  process.stderr.write(`${error.message}${where}\n`);
  process.exit(1);
}
