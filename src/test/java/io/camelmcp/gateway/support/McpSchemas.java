package io.camelmcp.gateway.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * MCP JSON-RPC messages checked against the official JSON schema of their protocol revision
 * ({@code src/test/resources/mcp-schema/<revision>.json}, draft 2020-12, one {@code $def} per message type).
 *
 * <p>{@link #problems(String, JsonNode, String)} checks one message: a request or notification against the
 * {@code $def} whose {@code method} const is its method (the generic {@code JSONRPCRequest} /
 * {@code JSONRPCNotification} for a method the revision does not define); a result response against the
 * {@code JSONRPCResultResponse} envelope and the result {@code $def} of the request's method (2026-07-28: the one
 * its {@code <X>ResultResponse} names, {@code InputRequiredResult} when {@code resultType} is
 * {@code "input_required"} and the method allows it; 2025-11-25: {@code <X>Result}, {@code CreateTaskResult}
 * for a task-augmented request's {@code {task}} answer, {@code EmptyResult} when the method has no result of its
 * own, as for {@code ping}); an error response against {@code JSONRPCErrorResponse} and, for a code the schema
 * gives a {@code $def} of its own (2026: -32020/-32021/-32022, 2025: -32042), that one too.
 *
 * <p>{@link #assertValid(String, List)} checks a conversation in order, remembering each request's method by its
 * id so its response is checked against the right result. Messages may go both ways (a 2025 server's
 * {@code elicitation/create} and the client's answer); an element {@code {"dir": "out"|"in", "message": ...}}
 * (what {@code recordingFetch} of {@code test-peers/driver-common.mjs} records) keeps the two id spaces apart.
 *
 * <p>Revisions: {@code 2026-07-28} and {@code 2025-11-25} have a schema each; {@code 2025-06-18} and
 * {@code 2025-03-26} are checked against the 2025-11-25 schema (the later revision only adds optional members
 * and messages, so a valid older message passes; what the older revision lacks is not flagged). A JSON-RPC batch
 * (an array, 2025-03-26) is checked element by element.
 *
 * <p>Beyond the schema, the rules its descriptions state but its types do not encode: a 2026 result's
 * {@code resultType} is {@code "complete"} or {@code "input_required"} (the schema types it as any string), and
 * {@code "input_required"} only for a method whose response allows {@code InputRequiredResult}; an
 * {@code InputRequiredResult} has {@code inputRequests} or {@code requestState}; a method the revision defines
 * only as a part of other messages (2026: {@code elicitation/create}, {@code sampling/createMessage},
 * {@code roots/list}, which exist only inside {@code InputRequiredResult.inputRequests}) is not a message; and
 * from JSON-RPC 2.0, a notification's method sent with an id, and a response with both result and error.
 *
 * <p>Two tolerances: where schema.json contradicts schema.ts, the source of truth, schema.ts wins (an elicitation
 * answer may be 3.14: see {@code relaxPrimitiveUnions}); an error response's {@code "id": null} is accepted
 * (JSON-RPC 2.0 §5 requires it when the id could not be read; the MCP schema leaves the id out instead and types
 * it string|integer).
 */
public final class McpSchemas {

    public static final String V2026_07_28 = "2026-07-28";
    public static final String V2025_11_25 = "2025-11-25";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Revision> REVISIONS = new ConcurrentHashMap<>();
    private static final Set<String> RESULT_TYPES = Set.of("complete", "input_required");
    private static final Set<String> TASK_STATUSES = Set.of("working", "input_required", "completed", "failed", "cancelled");

    private McpSchemas() {}

    /** The revision whose schema checks messages of {@code revision}: 2025-06-18 and 2025-03-26 use 2025-11-25's. */
    public static String schemaRevision(String revision) {
        return switch (revision) {
            case V2026_07_28 -> V2026_07_28;
            case V2025_11_25, "2025-06-18", "2025-03-26" -> V2025_11_25;
            default -> throw new IllegalArgumentException("no MCP schema for revision " + revision);
        };
    }

    /**
     * What makes {@code message} invalid for {@code revision}; empty when it is valid.
     *
     * @param requestMethod for a response, the method of the request it answers ({@code null}: unknown, the
     *     response is checked against the generic JSON-RPC response only); ignored for requests and notifications
     */
    public static List<String> problems(String revision, JsonNode message, String requestMethod) {
        Revision rev = revision(revision);
        if (message != null && message.isArray()) {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < message.size(); i++) {
                for (String p : rev.problems(message.get(i), requestMethod)) out.add("[" + i + "] " + p);
            }
            return out;
        }
        return rev.problems(message, requestMethod);
    }

    /**
     * Every problem of a conversation, each prefixed with the message's index: {@code messages} in the order
     * they were seen, plain JSON-RPC messages or {@code {"dir": "out"|"in", "message": ...}} records.
     */
    public static List<String> problems(String revision, List<JsonNode> messages) {
        Revision rev = revision(revision);
        Map<String, Deque<String>> pending = new HashMap<>();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode item = messages.get(i);
            String dir = null;
            JsonNode message = item;
            if (item != null && item.isObject() && item.has("message") && !item.has("jsonrpc")) {
                dir = item.path("dir").asText(null);
                message = item.get("message");
            }
            List<JsonNode> parts = new ArrayList<>();
            if (message != null && message.isArray()) message.forEach(parts::add); else parts.add(message);
            for (int j = 0; j < parts.size(); j++) {
                String where = "#" + i + (message != null && message.isArray() ? "[" + j + "]" : "")
                        + (dir == null ? "" : " (" + dir + ")");
                for (String p : rev.problemsInConversation(parts.get(j), dir, pending)) out.add(where + " " + p);
            }
        }
        return out;
    }

    /** Fails, listing every problem with the messages concerned, unless each of {@code messages} is valid. */
    public static void assertValid(String revision, List<JsonNode> messages) {
        List<String> problems = problems(revision, messages);
        if (problems.isEmpty()) return;
        StringBuilder sb = new StringBuilder()
                .append(problems.size()).append(" schema problem(s) in ").append(messages.size())
                .append(" MCP message(s) of revision ").append(revision).append(':');
        Set<Integer> concerned = new TreeSet<>();
        for (String p : problems) {
            sb.append("\n  ").append(p);
            concerned.add(Integer.parseInt(p.substring(1).split("\\D", 2)[0]));
        }
        sb.append("\nthe messages concerned:");
        for (int i : concerned) {
            String text = String.valueOf(messages.get(i));
            if (text.length() > 4000) text = text.substring(0, 4000) + "… (" + text.length() + " chars)";
            sb.append("\n  #").append(i).append(' ').append(text);
        }
        throw new AssertionError(sb.toString());
    }

    private static Revision revision(String revision) {
        return REVISIONS.computeIfAbsent(schemaRevision(revision), Revision::load);
    }

    // -----------------------------------------------------------------------------------------------------------

    /** One schema: its {@code $defs}, read once; a validator per {@code $def}, built on first use. */
    private static final class Revision {

        private static final String BASE = "https://modelcontextprotocol.io/schema/";

        private final String name;
        private final String iri;
        private final JsonNode defs;
        private final SchemaRegistry registry;
        private final Map<String, Schema> validators = new ConcurrentHashMap<>();
        /** method → the {@code $def} of that request or notification */
        private final Map<String, String> methodDefs = new LinkedHashMap<>();
        /** methods of the defs in ClientRequest, ServerRequest, ClientNotification, ServerNotification */
        private final Set<String> messageMethods = new LinkedHashSet<>();
        /** error code → the {@code $def} of an error response with that code */
        private final Map<Integer, String> errorDefs = new HashMap<>();

        private Revision(String name, String text) {
            this.name = name;
            this.iri = BASE + name + ".json";
            JsonNode root;
            try {
                root = JSON.readTree(text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            this.defs = root.path("$defs");
            relaxPrimitiveUnions(defs, "");
            String relaxed = root.toString();
            this.registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                    builder -> builder.schemas(Map.of(iri, relaxed)).schemaRegistryConfig(SchemaRegistryConfig.builder()
                            .pathType(PathType.JSON_PATH).locale(Locale.ENGLISH).build()));
            defs.properties().forEach(e -> {
                JsonNode method = e.getValue().path("properties").path("method").path("const");
                // ClientNotification of 2026 is notifications/cancelled again (a union of one, written out)
                if (method.isTextual() && !isUnion(e.getKey())) methodDefs.putIfAbsent(method.asText(), e.getKey());
                for (JsonNode part : e.getValue().path("properties").path("error").path("allOf")) {
                    JsonNode code = part.path("properties").path("code").path("const");
                    if (code.isInt()) errorDefs.put(code.asInt(), e.getKey());
                }
            });
            for (String union : List.of("ClientRequest", "ServerRequest", "ClientNotification", "ServerNotification")) {
                JsonNode def = defs.path(union);
                List<JsonNode> members = new ArrayList<>();
                if (def.has("anyOf")) def.get("anyOf").forEach(ref -> members.add(defs.path(refName(ref))));
                else members.add(def);
                for (JsonNode m : members) {
                    JsonNode method = m.path("properties").path("method").path("const");
                    if (method.isTextual()) messageMethods.add(method.asText());
                }
            }
        }

        static Revision load(String name) {
            String resource = "/mcp-schema/" + name + ".json";
            try (InputStream in = McpSchemas.class.getResourceAsStream(resource)) {
                if (in == null) throw new IllegalStateException("missing test resource " + resource);
                return new Revision(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * Where schema.ts has {@code string | number | boolean} (ElicitResult's content values, 2026's JSONValue),
         * the generated schema.json says {@code ["string", "integer", "boolean"]}, and JSONValue loses its
         * {@code null}: an elicitation answer of 3.14 to a NumberSchema, or a capability value 0.5 or null, is
         * valid by schema.ts, the source of truth, so those type lists get "number" (and JSONValue "null") back.
         * RequestId and ProgressToken ({@code ["string", "integer"]}) stay as they are: ids are integers by the
         * spec text.
         */
        private static void relaxPrimitiveUnions(JsonNode node, String path) {
            if (node.isObject()) {
                JsonNode type = node.get("type");
                if (type != null && type.isArray()) {
                    Set<String> types = new LinkedHashSet<>();
                    type.forEach(t -> types.add(t.asText()));
                    if (types.containsAll(Set.of("string", "integer", "boolean"))) {
                        types.remove("integer");
                        types.add("number");
                        if (path.startsWith("/JSONValue/")) types.add("null");
                        var list = ((ObjectNode) node).putArray("type");
                        types.forEach(list::add);
                    }
                }
                node.properties().forEach(e -> relaxPrimitiveUnions(e.getValue(), path + "/" + e.getKey()));
            } else if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) relaxPrimitiveUnions(node.get(i), path + "/" + i);
            }
        }

        private static boolean isUnion(String def) {
            return def.startsWith("Client") || def.startsWith("Server");
        }

        private static String refName(JsonNode ref) {
            String r = ref.path("$ref").asText();
            return r.substring(r.lastIndexOf('/') + 1);
        }

        List<String> problemsInConversation(JsonNode message, String dir, Map<String, Deque<String>> pending) {
            if (message == null || !message.isObject()) return problems(message, null);
            JsonNode id = message.get("id");
            boolean hasId = id != null && !id.isNull();
            if (message.has("method")) {
                if (hasId) {
                    pending.computeIfAbsent(key(dir, id, true), k -> new ArrayDeque<>())
                            .add(message.path("method").asText());
                }
                return problems(message, null);
            }
            Deque<String> methods = hasId ? pending.get(key(dir, id, false)) : null;
            if (methods == null || methods.isEmpty()) return problems(message, null);
            if (methods.size() == 1 || dir != null) return problems(message, methods.poll());
            // the same id pending in both directions (no dir to tell them apart): the first that fits
            List<String> first = null;
            for (String method : methods) {
                List<String> p = problems(message, method);
                if (p.isEmpty()) {
                    methods.remove(method);
                    return p;
                }
                if (first == null) first = p;
            }
            methods.poll();
            return first;
        }

        /** a request sent in {@code dir} is answered in the other direction */
        private static String key(String dir, JsonNode id, boolean request) {
            String side = dir == null ? "" : request == "out".equals(dir) ? "client:" : "server:";
            return side + id;
        }

        List<String> problems(JsonNode message, String requestMethod) {
            if (message == null || !message.isObject()) {
                return List.of("not a JSON-RPC message (a JSON object): " + message);
            }
            if (message.has("method")) return requestOrNotification(message);
            if (message.has("error")) {
                List<String> out = new ArrayList<>();
                if (message.has("result")) out.add("a response with both result and error");
                out.addAll(error(message));
                return out;
            }
            if (message.has("result")) return result(message, requestMethod);
            return validate("JSONRPCMessage", message);
        }

        private List<String> requestOrNotification(JsonNode message) {
            String method = message.path("method").asText();
            boolean request = message.has("id");
            String def = methodDefs.get(method);
            String envelope = request ? "JSONRPCRequest" : "JSONRPCNotification";
            if (def == null) return validate(envelope, message);
            List<String> out = new ArrayList<>();
            if (!messageMethods.contains(method)) {
                out.add(method + " is not a JSON-RPC message of " + name + " (" + def
                        + " is in none of ClientRequest, ServerRequest, ClientNotification, ServerNotification)");
            }
            if (request && def.endsWith("Notification")) out.add("the notification " + method + " has an id");
            // the 2026 input requests (ElicitRequest, ...) have no jsonrpc nor id of their own: the envelope has
            if (!requiredOf(def).containsAll(requiredOf(envelope))) out.addAll(validate(envelope, message));
            out.addAll(validate(def, message));
            return out;
        }

        private List<String> error(JsonNode message) {
            JsonNode checked = message;
            if (message.has("id") && message.get("id").isNull()) {
                checked = ((ObjectNode) message.deepCopy()).without("id");
            }
            List<String> out = new ArrayList<>(validate("JSONRPCErrorResponse", checked));
            JsonNode code = message.path("error").path("code");
            String specific = code.isInt() ? errorDefs.get(code.asInt()) : null;
            if (specific != null && out.isEmpty()) out.addAll(validate(specific, checked));
            return out;
        }

        private List<String> result(JsonNode message, String requestMethod) {
            List<String> out = new ArrayList<>(validate("JSONRPCResultResponse", message));
            if (requestMethod == null) return out;
            String requestDef = methodDefs.get(requestMethod);
            if (requestDef == null) return out;
            JsonNode result = message.get("result");
            List<String> candidates = resultDefs(requestDef);
            String def;
            boolean modern = defs.has("InputRequiredResult");
            String resultType = result.path("resultType").isTextual() ? result.get("resultType").asText() : null;
            if (modern && "task".equals(resultType) && "tools/call".equals(requestMethod)) {
                // the tasks extension (io.modelcontextprotocol/tasks, SEP-2663) is not in the core schema: its flat
                // CreateTaskResult is a Result plus the Task's members, checked here
                out.addAll(createTaskResult(result));
                for (String p : validate("Result", result)) out.add(p.replaceFirst("^(\\S+) at \\$", "$1 at \\$.result"));
                return out;
            }
            if (modern && resultType != null && !RESULT_TYPES.contains(resultType)) {
                out.add("result.resultType is \"" + resultType + "\", neither \"complete\" nor \"input_required\""
                        + " (ResultType, spec text)");
            }
            if ("input_required".equals(resultType)) {
                if (candidates.contains("InputRequiredResult")) {
                    def = "InputRequiredResult";
                    if (!result.has("inputRequests") && !result.has("requestState")) {
                        out.add("an InputRequiredResult with neither inputRequests nor requestState (spec text)");
                    }
                } else {
                    out.add("result.resultType is \"input_required\" but " + requestMethod
                            + " cannot ask for input (its response allows no InputRequiredResult)");
                    def = candidates.getFirst();
                }
            } else if (!modern && result.has("task") && defs.has("CreateTaskResult") && taskAugmentable(requestDef)) {
                def = "CreateTaskResult";
            } else {
                def = candidates.stream().filter(c -> !c.equals("InputRequiredResult")).findFirst()
                        .orElse(candidates.getFirst());
            }
            for (String p : validate(def, result)) out.add(p.replaceFirst("^(\\S+) at \\$", "$1 at \\$.result"));
            return out;
        }

        /** SEP-2663's CreateTaskResult: a flat task, no nested {@code task}, no {@code requestState} */
        private static List<String> createTaskResult(JsonNode result) {
            List<String> out = new ArrayList<>();
            for (String member : List.of("taskId", "status", "createdAt", "lastUpdatedAt")) {
                if (!result.path(member).isTextual()) out.add("CreateTaskResult without a string " + member + " (SEP-2663)");
            }
            if (!TASK_STATUSES.contains(result.path("status").asText())) {
                out.add("CreateTaskResult.status is " + result.get("status") + " (SEP-2663: one of " + TASK_STATUSES + ")");
            }
            if (result.has("ttlMs") && !result.get("ttlMs").isNumber() && !result.get("ttlMs").isNull()) {
                out.add("CreateTaskResult.ttlMs is not a number (SEP-2663)");
            }
            if (result.has("task") || result.has("requestState")) {
                out.add("CreateTaskResult with a nested task or a requestState (SEP-2663 removed both)");
            }
            return out;
        }

        /** the result defs a request's response may carry */
        private List<String> resultDefs(String requestDef) {
            String base = requestDef.endsWith("Request")
                    ? requestDef.substring(0, requestDef.length() - "Request".length()) : requestDef;
            JsonNode response = defs.path(base + "ResultResponse").path("properties").path("result");
            List<String> out = new ArrayList<>();
            if (response.has("$ref")) out.add(refName(response));
            response.path("anyOf").forEach(ref -> out.add(refName(ref)));
            if (out.isEmpty()) out.add(defs.has(base + "Result") ? base + "Result" : "EmptyResult");
            return out;
        }

        /** 2025-11-25: the request's params may carry {@code task} (then the answer may be a CreateTaskResult) */
        private boolean taskAugmentable(String requestDef) {
            JsonNode params = defs.path(requestDef).path("properties").path("params");
            if (params.has("$ref")) params = defs.path(refName(params));
            return params.path("properties").has("task");
        }

        private Set<String> requiredOf(String def) {
            Set<String> out = new LinkedHashSet<>();
            defs.path(def).path("required").forEach(r -> out.add(r.asText()));
            return out;
        }

        private List<String> validate(String def, JsonNode instance) {
            Schema schema = validators.computeIfAbsent(def, d -> {
                if (!defs.has(d)) throw new IllegalStateException("no $def " + d + " in the " + name + " schema");
                Schema s = registry.getSchema(SchemaLocation.of(iri + "#/$defs/" + d));
                s.initializeValidators();
                return s;
            });
            List<Error> errors = schema.validate(instance.toString(), InputFormat.JSON);
            Set<String> out = new LinkedHashSet<>(); // the branches of an anyOf may say the same thing
            for (Error e : errors) out.add(def + " at " + e.getInstanceLocation() + ": " + e.getMessage());
            return new ArrayList<>(out);
        }
    }
}
