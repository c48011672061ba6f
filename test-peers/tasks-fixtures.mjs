// The tasks extension (io.modelcontextprotocol/tasks, SEP-2663) for test-peers/conformance-server-2026.mjs: the
// TypeScript SDK v2 (2.4.0) declares the extension in its capabilities but has no task surface (no task results, no
// tasks/* handlers), so this module answers those requests itself, in front of the SDK's handler, on the wire shapes
// the conformance suite's tasks-* scenarios check. Everything else (lists, sync calls) stays the SDK's.
//
// A task is kept in memory by its id only (not by connection): a gateway in front forwards each request on its own.

import { randomUUID } from "node:crypto";

export const TASKS = "io.modelcontextprotocol/tasks";
const TTL_MS = 300_000;
const POLL_MS = 200;

/** What the scenarios call: the task-supporting tools, and whether a task is optional or required for them. */
export const TASK_TOOLS = {
  slow_compute: "optional",
  failing_job: "required",
  protocol_error_job: "optional",
  confirm_delete: "optional",
  multi_input: "optional",
  test_tool_with_task: "required",
};

const tasks = new Map();
const now = () => new Date().toISOString();
const text = (t) => ({ content: [{ type: "text", text: t }] });
const elicit = (message, property, type = "string") => ({
  method: "elicitation/create",
  params: { message, requestedSchema: { type: "object", properties: { [property]: { type } }, required: [property] } },
});

/** Whether the request's own envelope declares the extension (2026-07-28 has no session to remember it). */
export function declares(params) {
  const caps = params?._meta?.["io.modelcontextprotocol/clientCapabilities"];
  return !!caps?.extensions && Object.prototype.hasOwnProperty.call(caps.extensions, TASKS);
}

const missingCapability = (what) => ({
  status: 400,
  error: {
    code: -32021,
    message: `Missing required client capability: ${what} needs the ${TASKS} extension`,
    data: { requiredCapabilities: { extensions: { [TASKS]: {} } } },
  },
});

function create(run) {
  const task = { taskId: randomUUID(), status: "working", createdAt: now(), lastUpdatedAt: now(), ttlMs: TTL_MS, pollIntervalMs: POLL_MS };
  task.pending = {};
  task.waiters = [];
  tasks.set(task.taskId, task);
  setTimeout(() => tasks.delete(task.taskId), TTL_MS).unref();
  Promise.resolve()
    .then(() => run(task))
    .then(
      (result) => settle(task, { status: "completed", result }),
      (e) => settle(task, { status: "failed", error: { code: e.code ?? -32603, message: e.message } }),
    );
  return task;
}

function settle(task, outcome) {
  if (["completed", "failed", "cancelled"].includes(task.status)) return; // terminal states never change
  Object.assign(task, outcome, { lastUpdatedAt: now() });
  task.pending = {};
}

const sleep = (ms, task) =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    task.cancelTimer = () => clearTimeout(t);
  });

/** Parks the task in input_required until every named request is answered through tasks/update. */
function ask(task, requests) {
  Object.assign(task.pending, requests);
  task.status = "input_required";
  task.lastUpdatedAt = now();
  return new Promise((resolve) => task.waiters.push({ keys: Object.keys(requests), answers: {}, resolve }));
}

function deliver(task, responses) {
  for (const [key, value] of Object.entries(responses ?? {})) {
    if (!(key in task.pending)) continue; // not asked (or answered already): ignored
    delete task.pending[key];
    for (const w of task.waiters) if (w.keys.includes(key)) w.answers[key] = value;
  }
  task.waiters = task.waiters.filter((w) => {
    if (w.keys.every((k) => k in w.answers)) {
      if (task.status === "input_required") {
        task.status = "working";
        task.lastUpdatedAt = now();
      }
      w.resolve(w.answers);
      return false;
    }
    return true;
  });
}

const shape = (task) => {
  const { taskId, status, createdAt, lastUpdatedAt, ttlMs, pollIntervalMs } = task;
  return { resultType: "task", taskId, status, createdAt, lastUpdatedAt, ttlMs, pollIntervalMs };
};

function detailed(task) {
  const out = { ...shape(task), resultType: "complete" };
  if (task.status === "input_required") out.inputRequests = { ...task.pending };
  if (task.status === "completed") out.result = task.result;
  if (task.status === "failed") out.error = task.error;
  return out;
}

const accepted = (r) => (r && r.action === "accept" && r.content && typeof r.content === "object" ? r.content : {});

/** The task tools' work, once a task runs. */
const RUN = {
  slow_compute: async (task, args) => {
    await sleep(Math.max(0, Number(args.seconds ?? 0)) * 1000, task);
    return text(`computed ${args.label ?? ""} in ${args.seconds ?? 0}s`);
  },
  failing_job: async () => ({ ...text("the job failed"), isError: true }),
  protocol_error_job: async () => {
    throw Object.assign(new Error("the job hit a protocol error"), { code: -32603 });
  },
  confirm_delete: async (task, args) => {
    const a = await ask(task, { [`confirm-${randomUUID()}`]: elicit(`Delete ${args.filename}?`, "confirm", "boolean") });
    const confirmed = Object.values(a).some((r) => accepted(r).confirm === true);
    return text(confirmed ? `deleted ${args.filename}` : `kept ${args.filename}`);
  },
  multi_input: async (task) => {
    const a = await ask(task, {
      [`first-${randomUUID()}`]: elicit("First name?", "name"),
      [`second-${randomUUID()}`]: elicit("Confirm?", "confirm", "boolean"),
    });
    return text(`got ${Object.values(a).map((r) => accepted(r).name ?? "").join(",")}`);
  },
  test_tool_with_task: async (task, args, name) => text(`Hello, ${name}!`),
};

/**
 * Answers a request of the task surface, or returns undefined to let the SDK handle it.
 * Returns {status, result} or {status, error}.
 */
export function handle(message, headers) {
  const { method, params = {} } = message ?? {};
  const header = (h) => {
    const v = headers.get(h);
    return v == null ? undefined : v.trim();
  };
  if (method === "tasks/get" || method === "tasks/update" || method === "tasks/cancel") {
    if (header("mcp-method") !== method) return mismatch(`Mcp-Method header does not match ${method}`);
    if (header("mcp-name") !== params.taskId) return mismatch("Mcp-Name header does not match params.taskId");
    if (!declares(params)) return missingCapability(method);
    const task = tasks.get(params.taskId);
    if (!task) return { status: 200, error: { code: -32602, message: `Unknown task: ${params.taskId}` } };
    if (method === "tasks/get") return { status: 200, result: detailed(task) };
    if (method === "tasks/update") {
      if (params.inputResponses !== undefined && (typeof params.inputResponses !== "object" || params.inputResponses === null)) {
        return { status: 200, error: { code: -32602, message: "inputResponses must be an object" } };
      }
      deliver(task, params.inputResponses);
      return { status: 200, result: { resultType: "complete" } };
    }
    task.cancelTimer?.();
    settle(task, { status: "cancelled" }); // idempotent on a terminal task
    return { status: 200, result: { resultType: "complete" } };
  }
  if (method !== "tools/call" || !(params.name in TASK_TOOLS)) return undefined;
  if (header("mcp-method") !== method || header("mcp-name") !== params.name) return undefined; // the SDK refuses it
  const support = TASK_TOOLS[params.name];
  if (!declares(params)) {
    // optional: the SDK runs the tool synchronously; required: refused before it runs
    return support === "required" ? missingCapability(`the tool ${params.name}`) : undefined;
  }
  const args = params.arguments ?? {};
  if (params.name === "test_tool_with_task") {
    // MRTR first (synchronous rounds), then a task on the final round
    const name = Object.values(params.inputResponses ?? {}).map((r) => accepted(r).name).find((n) => typeof n === "string");
    if (!name) {
      return { status: 200, result: { resultType: "input_required", inputRequests: { user_name: elicit("What is your name?", "name") } } };
    }
    return { status: 200, result: shape(create((t) => RUN.test_tool_with_task(t, args, name))) };
  }
  return { status: 200, result: shape(create((t) => RUN[params.name](t, args))) };
}

const mismatch = (message) => ({ status: 400, error: { code: -32020, message: `Header mismatch: ${message}` } });

/** The sync versions the SDK serves when the client did not declare the extension. */
export function registerSyncTools(server, z) {
  server.registerTool("greet", { description: "Says hello (never a task)", inputSchema: { name: z.string() } }, async ({ name }) =>
    text(`Hello, ${name}!`),
  );
  server.registerTool(
    "slow_compute",
    {
      description: "Sleeps for some seconds, then answers (a task for clients of the tasks extension)",
      inputSchema: { seconds: z.number().optional(), label: z.string().optional() },
      execution: { taskSupport: "optional" },
    },
    async ({ seconds = 0, label = "" }) => {
      await new Promise((r) => setTimeout(r, Math.max(0, seconds) * 1000));
      return text(`computed ${label} in ${seconds}s`);
    },
  );
  server.registerTool("protocol_error_job", { description: "Fails with a protocol error", execution: { taskSupport: "optional" } }, async () => {
    throw new Error("the job hit a protocol error");
  });
  server.registerTool("failing_job", { description: "A tool error (task required)", execution: { taskSupport: "required" } }, async () => ({
    ...text("the job failed"),
    isError: true,
  }));
  server.registerTool(
    "confirm_delete",
    { description: "Asks for confirmation, then deletes (a task)", inputSchema: { filename: z.string() }, execution: { taskSupport: "optional" } },
    async ({ filename }) => text(`kept ${filename} (no confirmation without the tasks extension)`),
  );
  server.registerTool("multi_input", { description: "Asks two questions at once (a task)", execution: { taskSupport: "optional" } }, async () =>
    text("no input without the tasks extension"),
  );
  server.registerTool("test_tool_with_task", { description: "Asks for a name, then runs as a task", execution: { taskSupport: "required" } }, async () =>
    text("needs the tasks extension"),
  );
}
