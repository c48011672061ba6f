package io.camelmcp.gateway.deploy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What {@code kubectl create configmap NAME --from-file=DIR} puts in the ConfigMap, as kubectl's
 * {@code handleConfigMapFromFileSources} does it: one key per regular file directly in the directory (not a symlink,
 * not a subdirectory), named like the file, which must be a valid ConfigMap key; UTF-8 content in {@code data}, any
 * other in {@code binaryData}.
 */
record ConfigMapFromFiles(Map<String, String> data, Map<String, byte[]> binaryData, List<String> skipped) {

    /** A ConfigMap key: {@code [-._a-zA-Z0-9]+}, at most 253 characters, not {@code .} or {@code ..}. */
    static final Pattern KEY = Pattern.compile("[-._a-zA-Z0-9]{1,253}");

    static ConfigMapFromFiles of(Path dir) throws IOException {
        Map<String, String> data = new TreeMap<>();
        Map<String, byte[]> binary = new TreeMap<>();
        List<String> skipped = new ArrayList<>();
        try (var entries = Files.list(dir)) {
            for (Path p : entries.sorted().toList()) {
                String name = p.getFileName().toString();
                if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    skipped.add(name);
                    continue;
                }
                if (!KEY.matcher(name).matches() || name.equals(".") || name.equals("..")) {
                    throw new IllegalArgumentException("kubectl refuses " + p + ": " + name + " is not a valid ConfigMap key");
                }
                byte[] content = Files.readAllBytes(p);
                try {
                    data.put(name, StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(content)).toString());
                } catch (CharacterCodingException e) {
                    binary.put(name, content);
                }
            }
        }
        return new ConfigMapFromFiles(Collections.unmodifiableMap(data), Collections.unmodifiableMap(binary),
                List.copyOf(skipped));
    }
}
