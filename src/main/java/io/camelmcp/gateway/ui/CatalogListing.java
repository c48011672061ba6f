package io.camelmcp.gateway.ui;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.camelmcp.gateway.federation.Catalog;
import io.camelmcp.gateway.federation.ListKind;

/**
 * The federated catalogue as the status page lists it: per item its server, exposed name (or URI), title and
 * description, from the merged lists clients are served ({@link Catalog#served}). Worked out again only when the
 * catalogue was merged anew (the lists are immutable and replaced whole), so polling costs a few reference compares.
 */
final class CatalogListing {

    /** A description is shown, not read in full: a hostile server's megabyte of text stops here. */
    static final int MAX_TEXT = 2000;

    /** One item of the catalogue; {@code uri} for resources (the exposed URI) and templates (the URI template). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Entry(String server, String name, String title, String description, String uri, String mimeType) {}

    /**
     * The whole catalogue; {@code version} changes exactly when what it lists does, so the page polls the status
     * (which carries the version) and fetches this only after a change.
     */
    record Listing(String version, List<Entry> tools, List<Entry> prompts, List<Entry> resources,
                   List<Entry> resourceTemplates) {

        Counts counts() {
            return new Counts(version, tools.size(), prompts.size(), resources.size(), resourceTemplates.size());
        }
    }

    /** What the status says of the catalogue: its version and sizes. */
    record Counts(String version, int tools, int prompts, int resources, int resourceTemplates) {}

    private record Built(Map<ListKind, List<Catalog.Item>> from, Listing listing) {}

    private final Catalog catalog;
    private final ObjectMapper mapper;
    private volatile Built built;

    CatalogListing(Catalog catalog, ObjectMapper mapper) {
        this.catalog = catalog;
        this.mapper = mapper;
    }

    Listing current() {
        Map<ListKind, List<Catalog.Item>> now = new EnumMap<>(ListKind.class);
        for (ListKind k : ListKind.values()) {
            now.put(k, catalog.served(k));
        }
        Built b = built;
        if (b != null && same(b.from(), now)) {
            return b.listing();
        }
        Listing listing = build(now);
        built = new Built(now, listing);
        return listing;
    }

    /** The same lists, by identity: a merge replaces them, and nothing else changes them. */
    private static boolean same(Map<ListKind, List<Catalog.Item>> a, Map<ListKind, List<Catalog.Item>> b) {
        for (ListKind k : ListKind.values()) {
            if (a.get(k) != b.get(k)) {
                return false;
            }
        }
        return true;
    }

    private Listing build(Map<ListKind, List<Catalog.Item>> lists) {
        List<Entry> tools = entries(lists.get(ListKind.TOOLS), ListKind.TOOLS);
        List<Entry> prompts = entries(lists.get(ListKind.PROMPTS), ListKind.PROMPTS);
        List<Entry> resources = entries(lists.get(ListKind.RESOURCES), ListKind.RESOURCES);
        List<Entry> templates = entries(lists.get(ListKind.TEMPLATES), ListKind.TEMPLATES);
        // a merge that changed nothing gives the same version: the page does not fetch the catalogue again
        String version = Integer.toHexString(List.of(tools, prompts, resources, templates).hashCode());
        return new Listing(version, tools, prompts, resources, templates);
    }

    private List<Entry> entries(List<Catalog.Item> items, ListKind kind) {
        List<Entry> out = new ArrayList<>(items.size());
        for (Catalog.Item item : items) {
            out.add(entry(item, kind));
        }
        return List.copyOf(out);
    }

    private Entry entry(Catalog.Item item, ListKind kind) {
        JsonNode node;
        try {
            // the exposed copy, as serialized for clients when the catalogue was merged
            node = mapper.readTree(String.valueOf(item.json().rawValue()));
        } catch (Exception e) {
            node = mapper.createObjectNode(); // cannot happen for what the merge wrote; then the key alone is listed
        }
        boolean byUri = kind == ListKind.RESOURCES || kind == ListKind.TEMPLATES;
        String title = text(node.get("title"));
        if (title == null) {
            title = text(node.path("annotations").get("title")); // tools' older place for it
        }
        return new Entry(item.server(), byUri ? text(node.get("name")) : item.key(), title,
                text(node.get("description")), byUri ? item.key() : null, text(node.get("mimeType")));
    }

    private static String text(JsonNode node) {
        if (node == null || !node.isTextual() || node.textValue().isBlank()) {
            return null;
        }
        String s = node.textValue();
        return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "…";
    }
}
