// What the test drivers (client-driver.mjs, replicas-driver.mjs) share: their one JSON line of output, listing
// every tool, and answers to elicitations that fill every requested property with a plausible value.

// ---------------------------------------------------------------------------------------------
// single-line output + exit: the Java side reads the last line of stdout
let finished = false;
export const isFinished = () => finished;
export function finish(obj, code) {
  if (finished) return;
  finished = true;
  let line;
  try {
    line = JSON.stringify(obj);
  } catch (e) {
    line = JSON.stringify({ ok: false, error: "unserializable result: " + e.message });
    code = 1;
  }
  process.stdout.write(line + "\n", () => process.exit(code));
  // in case the write callback never fires
  setTimeout(() => process.exit(code), 2000).unref();
}

// ---------------------------------------------------------------------------------------------
// every tool name the client sees, page after page
export async function listAllToolNames(client) {
  const names = [];
  let cursor;
  do {
    const res = await client.listTools(cursor ? { cursor } : undefined);
    for (const t of res.tools) names.push(t.name);
    cursor = res.nextCursor;
  } while (cursor);
  return names;
}

// ---------------------------------------------------------------------------------------------
// elicitation content synthesis
function constsOf(list) {
  return Array.isArray(list) ? list.map((x) => x?.const).filter((x) => x !== undefined) : [];
}
function fitLength(s, prop) {
  if (typeof prop.maxLength === "number" && s.length > prop.maxLength) s = s.slice(0, prop.maxLength);
  if (typeof prop.minLength === "number" && s.length < prop.minLength) s = s.padEnd(prop.minLength, "x");
  return s;
}
function fillValue(key, prop, ident, state) {
  const type = prop.type;
  if (type === "array") {
    if (Array.isArray(prop.default)) return prop.default;
    const items = prop.items || {};
    let choices = Array.isArray(items.enum) ? items.enum : constsOf(items.anyOf ?? items.oneOf);
    const n = Math.max(1, typeof prop.minItems === "number" ? prop.minItems : 1);
    if (choices.length) return choices.slice(0, n);
    return Array.from({ length: n }, (_, i) => `${ident}-${i}`);
  }
  if (type === "boolean") return typeof prop.default === "boolean" ? prop.default : true;
  if (type === "integer" || type === "number") {
    if (typeof prop.default === "number") return prop.default;
    let v = type === "integer" ? 7 : 7.5;
    if (typeof prop.minimum === "number" && v < prop.minimum) v = prop.minimum;
    if (typeof prop.maximum === "number" && v > prop.maximum) v = prop.maximum;
    return v;
  }
  // string (or untyped)
  if (Array.isArray(prop.enum) && prop.enum.length) {
    return prop.enum.includes(prop.default) ? prop.default : prop.enum[0];
  }
  const consts = constsOf(prop.oneOf ?? prop.anyOf);
  if (consts.length) return consts.includes(prop.default) ? prop.default : consts[0];
  switch (prop.format) {
    case "email":
      return "driver@example.com";
    case "uri":
      return "https://example.com/driver";
    case "date":
      return "2000-01-01";
    case "date-time":
      return "2000-01-01T00:00:00Z";
  }
  if (typeof prop.default === "string" && !state.required.has(key)) return prop.default;
  state.identified = true;
  return fitLength(ident, prop);
}
export function synthesizeContent(requestedSchema, ident) {
  const props = requestedSchema?.properties || {};
  const state = { required: new Set(requestedSchema?.required || []), identified: false };
  const content = {};
  for (const [key, prop] of Object.entries(props)) content[key] = fillValue(key, prop || {}, ident, state);
  if (!state.identified) {
    // make sure at least one free-text field identifies the answered request
    const k = Object.keys(props).find(
      (key) =>
        (props[key]?.type === "string" || props[key]?.type === undefined) &&
        !props[key]?.enum && !props[key]?.oneOf && !props[key]?.anyOf && !props[key]?.format,
    );
    if (k) content[k] = fitLength(ident, props[k]);
  }
  return content;
}
