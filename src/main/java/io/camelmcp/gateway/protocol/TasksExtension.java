package io.camelmcp.gateway.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The tasks of both generations, as far as the gateway needs them to route: the experimental tasks of 2025-11-25
 * (a {@code params.task} opt-in, {@code CreateTaskResult} as {@code {task: {taskId, ttl…}}}) and the 2026-07-28
 * extension {@value #ID} (SEP-2663: the client declares it in its capabilities' {@code extensions}, the server decides
 * when a call becomes a task and answers a flat {@code {resultType: "task", taskId, ttlMs…}}; {@code tasks/get} polls,
 * {@code tasks/update} brings input, {@code tasks/cancel}, each with {@code Mcp-Name: <taskId>}).
 */
public final class TasksExtension {

    /** The extension's identifier, a key of {@code capabilities.extensions} on either side. */
    public static final String ID = "io.modelcontextprotocol/tasks";

    private TasksExtension() {}

    /** Whether capabilities (a client's or a server's) declare the 2026-07-28 tasks extension. */
    public static boolean declared(JsonNode capabilities) {
        return capabilities != null && capabilities.path("extensions").has(ID);
    }

    /** The id of the task a result created, in either generation's shape; null when the result is no task. */
    public static String createdTaskId(JsonNode result) {
        if (result == null) {
            return null;
        }
        JsonNode id = "task".equals(result.path("resultType").asText(null)) ? result.get("taskId")
                : result.path("task").get("taskId");
        return id != null && id.isTextual() ? id.textValue() : null;
    }

    /** How long the server keeps the task a result created, in ms (0: it did not say). */
    public static long ttlMs(JsonNode result) {
        return "task".equals(result.path("resultType").asText(null)) ? result.path("ttlMs").asLong(0)
                : result.path("task").path("ttl").asLong(0);
    }
}
