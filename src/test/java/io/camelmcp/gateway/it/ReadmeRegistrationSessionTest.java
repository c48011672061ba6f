package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * The README's curl session of the registration API, run as printed (with bash and curl) against the embedded default
 * with the key it names: the shell commands are taken from the README itself, so the README cannot drift.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = "mcp.gateway.registration.api-keys=my-api-key")
class ReadmeRegistrationSessionTest {

    @LocalServerPort
    int port;

    @Test
    void theReadmeSessionWorksAsPrinted() throws Exception {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        int section = readme.indexOf("### Self-registration (REST API)");
        assertThat(section).isPositive();
        int start = readme.indexOf("```sh\n", section) + "```sh\n".length();
        String block = readme.substring(start, readme.indexOf("```\n", start));
        StringBuilder script = new StringBuilder("set -e\n");
        for (String line : block.split("\n")) {
            if (!line.startsWith("./mvnw")) { // the gateway is this test's
                script.append(line.replace("localhost:8080", "localhost:" + port)).append('\n');
            }
        }
        Path dir = Files.createTempDirectory("readme-session");
        Path file = dir.resolve("session.sh");
        Files.writeString(file, script);
        Process p = new ProcessBuilder(List.of("bash", file.toString())).directory(dir.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        List<String> lines = out.lines().toList();
        assertThat(lines.get(0)).contains("\"server_id\"", "\"token\":\"mcpgw_", "\"prefix\":\"calc2_\"",
                "\"heartbeat_interval_seconds\":30");
        assertThat(lines.get(1)).contains("\"name\":\"calculator-2\"", "\"source\":\"rest\"", "\"last_heartbeat\"");
        assertThat(lines.get(2)).contains("\"servers\"", "\"name\":\"clock\"", "\"name\":\"calculator-2\"");
        assertThat(lines.get(3)).contains("\"prefix\":\"calculator_\"");
        assertThat(lines.get(4)).contains("\"status\":400", "\"field\":\"url\"");
        assertThat(lines.get(5)).isEqualTo("204");
        assertThat(lines.get(6)).contains("\"status\":404", "register again");
    }

    /** Keys are not to be guessed: past rate-limit (20 a minute) refused keys from one address, 429 with Retry-After. */
    @Test
    void refusedKeysFromOneAddressAreLimited() throws Exception {
        java.net.http.HttpResponse<String> last = null;
        for (int i = 0; i < 21; i++) {
            last = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/servers"))
                    .header("X-API-Key", "guess-" + i).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            if (i < 20) {
                assertThat(last.statusCode()).isEqualTo(401);
            }
        }
        assertThat(last.statusCode()).as(last.body()).isEqualTo(429);
        assertThat(last.headers().firstValue("Retry-After")).isPresent();
    }

}
