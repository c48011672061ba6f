package io.camelmcp.gateway.federation;

/** The four list methods the gateway federates, with the result field and the key each item is known by. */
public enum ListKind {
    TOOLS("tools/list", "tools", "name"),
    PROMPTS("prompts/list", "prompts", "name"),
    RESOURCES("resources/list", "resources", "uri"),
    TEMPLATES("resources/templates/list", "resourceTemplates", "uriTemplate");

    public final String method;
    public final String field;
    public final String key;

    ListKind(String method, String field, String key) {
        this.method = method;
        this.field = field;
        this.key = key;
    }

    public static ListKind of(String method) {
        for (ListKind k : values()) {
            if (k.method.equals(method)) {
                return k;
            }
        }
        throw new IllegalArgumentException("not a list method: " + method);
    }
}
