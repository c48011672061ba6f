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

// ---------------------------------------------------------------------------------------------
// every JSON-RPC message a client sends and receives, for McpSchemas (Java) to check against the schema:
//   const log = [];
//   new StreamableHTTPClientTransport(url, { fetch: recordingFetch(log) });
// log gets { dir: "out", message } for each message of a request body (a batch gives one entry each) and
// { dir: "in", message } for each message of a JSON response body or of an SSE event's data; a body or an event
// that is not JSON is recorded as { dir, message: null, raw } (an SSE event without data, such as a priming
// event, is not recorded). The SDK gets the response as the server sent it: the body is teed, the recording
// branch read as the data arrives, and the SDK cancelling its body cancels the recording branch too.
export function recordingFetch(log) {
  const record = (dir, text) => {
    let parsed;
    try {
      parsed = JSON.parse(text);
    } catch {
      log.push({ dir, message: null, raw: text });
      return;
    }
    for (const message of Array.isArray(parsed) ? parsed : [parsed]) log.push({ dir, message });
  };
  const bodyText = async (input, init) => {
    const body = init?.body ?? (input instanceof Request && !input.bodyUsed ? await input.clone().text() : undefined);
    if (typeof body === "string") return body;
    if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return new TextDecoder().decode(body);
    return undefined; // no body (GET, DELETE) or a stream: nothing to record
  };
  return async (input, init) => {
    const sent = await bodyText(input, init);
    if (sent !== undefined && sent !== "") record("out", sent);
    const response = await globalThis.fetch(input, init);
    const type = (response.headers.get("content-type") || "").toLowerCase();
    const json = type.includes("application/json");
    const sse = type.includes("text/event-stream");
    if (!response.body || (!json && !sse) || (response.status >= 300 && response.status < 400)) return response;

    const [mine, theirs] = response.body.tee();
    const reader = mine.getReader();
    (async () => {
      const decoder = new TextDecoder();
      let text = "";
      let data = null; // the data lines of the SSE event being read
      const lines = (final) => {
        // an SSE line ends with CRLF, LF or CR; a CR at the end of the text may be the first half of a CRLF
        const re = /\r\n|\n|\r(?!$)/g;
        let start = 0;
        for (let m; (m = re.exec(text)); start = re.lastIndex) sseLine(text.slice(start, m.index));
        text = text.slice(start);
        if (final) {
          if (text.endsWith("\r")) text = text.slice(0, -1);
          if (text !== "") sseLine(text);
          sseLine("");
          text = "";
        }
      };
      const sseLine = (line) => {
        if (line === "") {
          const joined = data === null ? "" : data.join("\n");
          if (joined !== "") record("in", joined); // an event with empty data (a priming event) is no message
          data = null;
        } else if (line === "data" || line.startsWith("data:")) {
          let value = line.slice(5);
          if (value.startsWith(" ")) value = value.slice(1);
          (data ??= []).push(value);
        }
        // other fields (event, id, retry) and comments are not messages
      };
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          text += decoder.decode(value, { stream: true });
          if (sse) lines(false);
        }
        text += decoder.decode();
        if (sse) lines(true);
        else if (text.trim() !== "") record("in", text);
      } catch {
        // the stream was aborted or cancelled: what arrived before is recorded
      }
    })();

    const theirsReader = theirs.getReader();
    const body = new ReadableStream({
      async pull(controller) {
        const { done, value } = await theirsReader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      async cancel(reason) {
        reader.cancel(reason).catch(() => {});
        await theirsReader.cancel(reason);
      },
    });
    const wrapped = new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    // what the Response constructor cannot set (the SDK reads url and type when it looks at redirects)
    for (const key of ["url", "redirected", "type"]) {
      Object.defineProperty(wrapped, key, { value: response[key], enumerable: true });
    }
    return wrapped;
  };
}
