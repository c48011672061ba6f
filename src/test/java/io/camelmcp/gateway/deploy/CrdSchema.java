package io.camelmcp.gateway.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;

/**
 * A CustomResourceDefinition's {@code openAPIV3Schema} as the API server applies it to what {@code kubectl apply}
 * sends (its default {@code --validate=strict}), turned into JSON Schema 2020-12 and checked with networknt's
 * validator. What the conversion does with the OpenAPI v3 structural-schema keywords:
 * <ul>
 * <li>an object with {@code properties} and no {@code additionalProperties} takes no other field
 * ({@code additionalProperties: false}: strict validation refuses an unknown field), unless it has
 * {@code x-kubernetes-preserve-unknown-fields: true}; the root's {@code metadata} is left to the API server
 * (ObjectMeta);</li>
 * <li>{@code nullable: true} adds {@code "null"} to the type; {@code x-kubernetes-int-or-string} is an integer or a
 * string; {@code format: int32}/{@code int64} bound the integer; {@code x-kubernetes-list-type: set} means unique
 * items; OpenAPI's boolean {@code exclusiveMinimum}/{@code exclusiveMaximum} become JSON Schema's numbers;</li>
 * <li>not checked: other formats ({@code date-time}, {@code byte}), the keys of {@code x-kubernetes-list-type: map},
 * CEL rules ({@code x-kubernetes-validations}), and defaults (the API server fills them in; they change no
 * verdict).</li>
 * </ul>
 */
final class CrdSchema {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> COPIED = List.of("type", "enum", "required", "minimum", "maximum", "minLength",
            "maxLength", "pattern", "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties", "multipleOf");

    final String apiVersion;
    final String kind;
    final JsonNode jsonSchema;
    private final Schema schema;

    private CrdSchema(String apiVersion, String kind, JsonNode jsonSchema) {
        this.apiVersion = apiVersion;
        this.kind = kind;
        this.jsonSchema = jsonSchema;
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder()
                        .pathType(PathType.JSON_PATH).locale(Locale.ENGLISH).build()));
        this.schema = registry.getSchema(jsonSchema.toString(), InputFormat.JSON);
        this.schema.initializeValidators();
    }

    /** The schema of the CRD's served version {@code version} (the only one, when null). */
    static CrdSchema of(Path crdFile, String version) throws IOException {
        JsonNode crd = null;
        try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(Files.readString(crdFile))) {
            while (docs.hasNext()) {
                JsonNode d = docs.next();
                if (d != null && "CustomResourceDefinition".equals(d.path("kind").asText())) {
                    crd = d;
                }
            }
        }
        if (crd == null) {
            throw new IllegalArgumentException("no CustomResourceDefinition in " + crdFile);
        }
        for (JsonNode v : crd.at("/spec/versions")) {
            if ((version == null || version.equals(v.path("name").asText())) && v.path("served").asBoolean()) {
                String apiVersion = crd.at("/spec/group").asText() + "/" + v.path("name").asText();
                ObjectNode converted = convert(v.at("/schema/openAPIV3Schema"));
                // the root: apiVersion and kind of this CRD; metadata is ObjectMeta, checked by the API server
                ObjectNode props = converted.withObjectProperty("properties");
                props.set("metadata", JSON.createObjectNode().put("type", "object"));
                props.set("apiVersion", JSON.createObjectNode().put("const", apiVersion));
                props.set("kind", JSON.createObjectNode().put("const", crd.at("/spec/names/kind").asText()));
                converted.withArrayProperty("required").add("apiVersion").add("kind");
                return new CrdSchema(apiVersion, crd.at("/spec/names/kind").asText(), converted);
            }
        }
        throw new IllegalArgumentException("no served version " + version + " in " + crdFile);
    }

    /** What the API server would refuse in {@code object}, one line each (path: message); empty when valid. */
    List<String> problems(JsonNode object) {
        Set<String> out = new LinkedHashSet<>();
        for (Error e : schema.validate(object.toString(), InputFormat.JSON)) {
            out.add(e.getInstanceLocation() + ": " + e.getMessage());
        }
        return new ArrayList<>(out);
    }

    /** One OpenAPI v3 (structural) schema as JSON Schema 2020-12. */
    static ObjectNode convert(JsonNode s) {
        ObjectNode out = JSON.createObjectNode();
        for (String k : COPIED) {
            if (s.has(k)) {
                out.set(k, s.get(k).deepCopy());
            }
        }
        if (s.path("exclusiveMinimum").asBoolean(false) && s.has("minimum")) {
            out.remove("minimum");
            out.set("exclusiveMinimum", s.get("minimum").deepCopy());
        }
        if (s.path("exclusiveMaximum").asBoolean(false) && s.has("maximum")) {
            out.remove("maximum");
            out.set("exclusiveMaximum", s.get("maximum").deepCopy());
        }
        String format = s.path("format").asText("");
        if ("integer".equals(s.path("type").asText())) {
            if (format.equals("int32")) {
                bound(out, Integer.MIN_VALUE, Integer.MAX_VALUE);
            } else if (format.equals("int64")) {
                bound(out, Long.MIN_VALUE, Long.MAX_VALUE);
            }
        }
        if (s.path("x-kubernetes-int-or-string").asBoolean(false)) {
            out.remove("type");
            ArrayNode any = out.putArray("anyOf");
            any.addObject().put("type", "integer");
            any.addObject().put("type", "string");
        }
        if (s.path("nullable").asBoolean(false) && out.has("type")) {
            ArrayNode types = JSON.createArrayNode().add(out.get("type").asText()).add("null");
            out.set("type", types);
            if (out.has("enum")) {
                ((ArrayNode) out.get("enum")).addNull();
            }
        }
        if ("set".equals(s.path("x-kubernetes-list-type").asText())) {
            out.put("uniqueItems", true);
        }
        boolean preserve = s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        ObjectNode props = null;
        if (s.has("properties")) {
            props = out.putObject("properties");
            for (var p : s.get("properties").properties()) {
                props.set(p.getKey(), convert(p.getValue()));
            }
        }
        if (s.path("x-kubernetes-embedded-resource").asBoolean(false)) {
            if (props == null) {
                props = out.putObject("properties");
            }
            props.putIfAbsent("apiVersion", JSON.createObjectNode().put("type", "string"));
            props.putIfAbsent("kind", JSON.createObjectNode().put("type", "string"));
            props.putIfAbsent("metadata", JSON.createObjectNode().put("type", "object"));
        }
        if (s.has("items") && s.get("items").isObject()) {
            out.set("items", convert(s.get("items")));
        }
        JsonNode additional = s.get("additionalProperties");
        if (additional != null) {
            out.set("additionalProperties", additional.isObject() ? convert(additional) : additional.deepCopy());
        } else if (!preserve && (props != null || "object".equals(s.path("type").asText()))) {
            // strict field validation: a field the schema does not declare is an error (kubectl's default)
            out.put("additionalProperties", false);
        }
        for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
            if (s.has(combinator)) {
                ArrayNode parts = JSON.createArrayNode();
                for (JsonNode part : s.get(combinator)) {
                    // structural schemas keep types out of these: only value validations, fields stay open here
                    ObjectNode p = convert(part);
                    p.remove("additionalProperties");
                    parts.add(p);
                }
                if (out.has(combinator)) {
                    out.withArrayProperty("allOf").add(JSON.createObjectNode().set(combinator, parts));
                } else {
                    out.set(combinator, parts);
                }
            }
        }
        if (s.has("not")) {
            ObjectNode n = convert(s.get("not"));
            n.remove("additionalProperties");
            out.set("not", n);
        }
        return out;
    }

    private static void bound(ObjectNode out, long min, long max) {
        if (!out.has("minimum") && !out.has("exclusiveMinimum")) {
            out.put("minimum", min);
        }
        if (!out.has("maximum") && !out.has("exclusiveMaximum")) {
            out.put("maximum", max);
        }
    }
}
