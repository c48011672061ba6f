package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.support.McpSchemas;
import io.camelmcp.gateway.support.RawMcpClient;
import io.camelmcp.gateway.support.ServerEverything;
import io.camelmcp.gateway.support.StatelessRequests;

/**
 * The 2026-07-28 tasks extension ({@code io.modelcontextprotocol/tasks}, SEP-2663) through the gateway, in front of
 * two 2026 servers of the TypeScript SDK v2 that run tasks (test-peers/conformance-server-2026.mjs with
 * tasks-fixtures.mjs), under prefixes: the extension advertised, each task's tasks/get, tasks/update and tasks/cancel
 * reaching the server that created it, and the gateway's own refusals. The conformance suite's tasks scenarios run in
 * transparent mode (Conformance2026Test); this is the federated case.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TasksExtensionTest {

    static final String WITH_TASKS = "{\"extensions\":{\"io.modelcontextprotocol/tasks\":{}}}";
    static final String WITHOUT = "{\"elicitation\":{\"form\":{}}}";

    static ServerEverything a;
    static ServerEverything b;

    @LocalServerPort
    int port;

    final List<JsonNode> conversation = new java.util.ArrayList<>();

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) throws Exception {
        a = ServerEverything.conformance2026();
        b = ServerEverything.conformance2026();
        registry.add("mcp.gateway.demo.enabled", () -> "false");
        registry.add("mcp.gateway.servers[0].name", () -> "tasks-a");
        registry.add("mcp.gateway.servers[0].url", () -> a.url());
        registry.add("mcp.gateway.servers[0].prefix", () -> "a_");
        registry.add("mcp.gateway.servers[1].name", () -> "tasks-b");
        registry.add("mcp.gateway.servers[1].url", () -> b.url());
        registry.add("mcp.gateway.servers[1].prefix", () -> "b_");
    }

    @AfterAll
    static void stop() throws Exception {
        a.close();
        b.close();
    }

    /** Until both servers have been probed the catalogue (and so server/discover) does not know what they declare. */
    @org.junit.jupiter.api.BeforeEach
    void ready() {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> java.net.http.HttpClient
                .newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://127.0.0.1:" + port + "/actuator/health/readiness")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
    }

    @AfterEach
    void everyMessageIsValidForTheRevision() {
        McpSchemas.assertValid(StatelessRequests.V, conversation);
    }

    HttpResponse<String> post(Object id, String method, String params, String caps, Map<String, String> headers) throws Exception {
        return StatelessRequests.post("http://127.0.0.1:" + port + "/mcp", id, method, params, caps, headers, conversation);
    }

    JsonNode result(Object id, String method, String params) throws Exception {
        HttpResponse<String> r = post(id, method, params, WITH_TASKS, Map.of());
        JsonNode m = StatelessRequests.last(r);
        assertThat(m.has("result")).as("%s answered HTTP %s: %s", method, r.statusCode(), m).isTrue();
        return m.path("result");
    }

    JsonNode poll(String taskId, String until) throws Exception {
        long end = System.nanoTime() + 10_000_000_000L;
        JsonNode task;
        do {
            task = result("poll", "tasks/get", "{\"taskId\":\"" + taskId + "\"}");
            if (task.path("status").asText().equals(until) || List.of("completed", "failed", "cancelled").contains(task.path("status").asText())) {
                return task;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < end);
        throw new AssertionError("task " + taskId + " never reached " + until + ": " + task);
    }

    @Test
    void discoverAdvertisesTheExtensionItsServersDeclare() throws Exception {
        JsonNode discover = result(1, "server/discover", null);
        assertThat(discover.path("capabilities").path("extensions").has("io.modelcontextprotocol/tasks")).as("%s", discover).isTrue();
        assertThat(discover.path("capabilities").has("tasks")).as("not the 2025 slot").isFalse();
    }

    @Test
    void eachTaskIsPolledUpdatedAndCancelledAtTheServerThatCreatedIt() throws Exception {
        JsonNode slow = result(2, "tools/call", "{\"name\":\"a_slow_compute\",\"arguments\":{\"seconds\":60,\"label\":\"long\"}}");
        assertThat(slow.path("resultType").asText()).as("%s", slow).isEqualTo("task");
        String onA = slow.path("taskId").asText();
        JsonNode quick = result(3, "tools/call", "{\"name\":\"b_slow_compute\",\"arguments\":{\"seconds\":0,\"label\":\"quick\"}}");
        String onB = quick.path("taskId").asText();
        assertThat(onB).isNotBlank().isNotEqualTo(onA);

        // each server knows only its own tasks: a tasks/get sent to the other one would be -32602
        assertThat(result(4, "tasks/get", "{\"taskId\":\"" + onA + "\"}").path("status").asText()).isEqualTo("working");
        JsonNode done = poll(onB, "completed");
        assertThat(done.path("status").asText()).isEqualTo("completed");
        assertThat(done.path("result").path("content").get(0).path("text").asText()).contains("quick");

        // the same identity declaring other capabilities still reaches its task
        HttpResponse<String> other = post(5, "tasks/get", "{\"taskId\":\"" + onB + "\"}",
                "{\"elicitation\":{},\"extensions\":{\"io.modelcontextprotocol/tasks\":{}}}", Map.of());
        assertThat(StatelessRequests.last(other).path("result").path("taskId").asText()).isEqualTo(onB);

        JsonNode ack = result(6, "tasks/cancel", "{\"taskId\":\"" + onA + "\"}");
        assertThat(ack.path("resultType").asText()).isEqualTo("complete");
        assertThat(ack.has("taskId")).isFalse();
        assertThat(poll(onA, "cancelled").path("status").asText()).isEqualTo("cancelled");
    }

    @Test
    void aTaskAsksForInputOnTasksGetAndTasksUpdateAnswersIt() throws Exception {
        String taskId = result(7, "tools/call", "{\"name\":\"b_confirm_delete\",\"arguments\":{\"filename\":\"x.txt\"}}")
                .path("taskId").asText();
        JsonNode waiting = poll(taskId, "input_required");
        assertThat(waiting.path("status").asText()).isEqualTo("input_required");
        String key = waiting.path("inputRequests").fieldNames().next();
        assertThat(waiting.path("inputRequests").path(key).path("method").asText()).isEqualTo("elicitation/create");

        JsonNode ack = result(8, "tasks/update", "{\"taskId\":\"" + taskId + "\",\"inputResponses\":{\"" + key
                + "\":{\"action\":\"accept\",\"content\":{\"confirm\":true}}}}");
        assertThat(ack.path("resultType").asText()).isEqualTo("complete");
        JsonNode done = poll(taskId, "completed");
        assertThat(done.path("result").path("content").get(0).path("text").asText()).isEqualTo("deleted x.txt");
    }

    @Test
    void theGatewayRefusesWhatTheExtensionForbids() throws Exception {
        String taskId = result(9, "tools/call", "{\"name\":\"a_slow_compute\",\"arguments\":{\"seconds\":60}}").path("taskId").asText();

        // no extension declared in this request: 400 -32021, naming what is missing
        HttpResponse<String> undeclared = post(10, "tasks/get", "{\"taskId\":\"" + taskId + "\"}", WITHOUT, Map.of());
        assertThat(undeclared.statusCode()).isEqualTo(400);
        JsonNode error = StatelessRequests.last(undeclared).path("error");
        assertThat(error.path("code").asInt()).isEqualTo(-32021);
        assertThat(error.at("/data/requiredCapabilities/extensions").has("io.modelcontextprotocol/tasks")).isTrue();

        // Mcp-Name must be the task's id
        HttpResponse<String> wrongName = post(11, "tasks/get", "{\"taskId\":\"" + taskId + "\"}", WITH_TASKS,
                Map.of("Mcp-Name", "another-task"));
        assertThat(wrongName.statusCode()).isEqualTo(400);
        assertThat(StatelessRequests.last(wrongName).path("error").path("code").asInt()).isEqualTo(-32020);

        // a task no server created here
        JsonNode unknown = StatelessRequests.last(post(12, "tasks/get", "{\"taskId\":\"nobody-made-this\"}", WITH_TASKS, Map.of()));
        assertThat(unknown.path("error").path("code").asInt()).isEqualTo(-32602);

        // removed in the extension: tasks/result and tasks/list
        HttpResponse<String> removed = post(13, "tasks/result", "{\"taskId\":\"" + taskId + "\"}", WITH_TASKS, Map.of());
        assertThat(removed.statusCode()).isEqualTo(404);
        assertThat(StatelessRequests.last(removed).path("error").path("code").asInt()).isEqualTo(-32601);

        // a tool that requires a task, called without the extension: the server's -32021 passes through
        HttpResponse<String> required = post(14, "tools/call", "{\"name\":\"a_failing_job\",\"arguments\":{}}", WITHOUT, Map.of());
        assertThat(StatelessRequests.last(required).path("error").path("code").asInt()).isEqualTo(-32021);

        result(15, "tasks/cancel", "{\"taskId\":\"" + taskId + "\"}");
    }

    @Test
    void a2025ClientGetsItsCallsAnsweredWithoutTasks() throws Exception {
        RawMcpClient client = new RawMcpClient("http://127.0.0.1:" + port + "/mcp");
        client.initialize("2025-11-25");
        JsonNode r = client.request(1, "tools/call", "{\"name\":\"b_slow_compute\",\"arguments\":{\"seconds\":0,\"label\":\"sync\"}}");
        assertThat(r.path("result").path("content").get(0).path("text").asText()).as("%s", r).contains("sync");
        assertThat(r.path("result").has("taskId")).isFalse();
        assertThat(r.path("result").has("resultType")).as("2026-only members taken off").isFalse();
    }
}
