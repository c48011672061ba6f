package io.camelmcp.gateway.federation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.protocol.JsonRpc;

/**
 * The tools of one merged list, ranked for a query by words in their names, titles, descriptions and parameters: BM25
 * over the fields, each weighted (a BM25F in its simplest form: a word in a name counts three times one in a
 * description). Immutable, built once per merged list (the catalogue hands out a new list when it changes).
 *
 * <p>Why not Lucene: its core analyzer keeps {@code get_sum} and {@code createIssue} as one word each, and tool names
 * are identifiers; splitting them needs lucene-analysis-common beside lucene-core (several MB) for an index of a few
 * hundred to a few thousand short documents, rebuilt whole on each catalogue change. The ranking itself is the formula
 * below; what matters for tools is the tokenizer, which is ours either way.
 */
public final class ToolIndex {

    /** BM25's usual constants: term-frequency saturation and length normalisation. */
    private static final double K1 = 1.2;
    private static final double B = 0.75;
    private static final double NAME = 3.0;
    private static final double TITLE = 2.0;
    private static final double DESCRIPTION = 1.0;
    private static final double PARAMETERS = 0.5;

    /** Words that say nothing about what a tool does. */
    private static final Set<String> STOP = Set.of("a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does",
            "for", "from", "given", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "of", "on", "or",
            "that", "the", "this", "to", "use", "using", "want", "was", "what", "when", "which", "with", "you", "your");

    /** One tool as the index knows it: the catalogue's item and what was read of it. */
    public record Doc(Catalog.Item item, String name, String title, String description, JsonNode inputSchema) {}

    /** A tool that matched, with its score (higher: better). */
    public record Hit(Doc doc, double score) {}

    private final List<Catalog.Item> source;
    private final Map<String, Doc> byName;
    private final List<Map<String, Double>> termFrequencies;
    private final double[] lengths;
    private final Map<String, Integer> documentFrequencies;
    private final double averageLength;
    private final List<Doc> docs;

    private ToolIndex(List<Catalog.Item> source, List<Doc> docs) {
        this.source = source;
        this.docs = List.copyOf(docs);
        Map<String, Doc> names = new LinkedHashMap<>();
        List<Map<String, Double>> tfs = new ArrayList<>(docs.size());
        Map<String, Integer> dfs = new HashMap<>();
        lengths = new double[docs.size()];
        double total = 0;
        for (int i = 0; i < docs.size(); i++) {
            Doc d = docs.get(i);
            names.put(d.name(), d);
            Map<String, Double> tf = new HashMap<>();
            double length = add(tf, d.name(), NAME) + add(tf, d.title(), TITLE) + add(tf, d.description(), DESCRIPTION)
                    + add(tf, parameters(d.inputSchema()), PARAMETERS);
            tfs.add(tf);
            lengths[i] = length;
            total += length;
            tf.keySet().forEach(t -> dfs.merge(t, 1, Integer::sum));
        }
        byName = names;
        termFrequencies = tfs;
        documentFrequencies = dfs;
        averageLength = docs.isEmpty() ? 1 : Math.max(1e-9, total / docs.size());
    }

    /** Indexes the tools of a merged list (the catalogue's items, whose JSON is read once here). */
    public static ToolIndex of(List<Catalog.Item> tools, JsonRpc json) {
        List<Doc> docs = new ArrayList<>(tools.size());
        for (Catalog.Item item : tools) {
            JsonNode t;
            try {
                t = json.read(item.json().rawValue().toString());
            } catch (java.io.IOException e) {
                continue; // the catalogue wrote it: cannot happen
            }
            if (t == null) {
                continue;
            }
            docs.add(new Doc(item, item.key(), text(t, "title", t.path("annotations").path("title").asText(null)),
                    text(t, "description", null), t.get("inputSchema")));
        }
        return new ToolIndex(tools, docs);
    }

    /** The merged list this index was made of: the catalogue's current one is another list once it changed. */
    public List<Catalog.Item> source() {
        return source;
    }

    /** The tool of this exposed name, or null. */
    public Doc tool(String name) {
        return byName.get(name);
    }

    /** Every tool, in the catalogue's order. */
    public List<Doc> tools() {
        return docs;
    }

    /**
     * The best {@code limit} tools for the query among those {@code visible}, best first (ties in the catalogue's
     * order); tools that share no word with the query are not hits.
     */
    public List<Hit> search(String query, int limit, Predicate<Doc> visible) {
        Set<String> terms = new LinkedHashSet<>(tokens(query));
        List<Hit> hits = new ArrayList<>();
        if (terms.isEmpty() || limit <= 0) {
            return hits;
        }
        int n = docs.size();
        for (int i = 0; i < n; i++) {
            Map<String, Double> tf = termFrequencies.get(i);
            double score = 0;
            for (String t : terms) {
                Double f = tf.get(t);
                if (f == null) {
                    continue;
                }
                int df = documentFrequencies.get(t);
                double idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
                score += idf * f * (K1 + 1) / (f + K1 * (1 - B + B * lengths[i] / averageLength));
            }
            if (score > 0 && visible.test(docs.get(i))) {
                hits.add(new Hit(docs.get(i), score));
            }
        }
        // stable: equal scores keep the catalogue's order (server, then name)
        hits.sort(Comparator.comparingDouble(Hit::score).reversed());
        return hits.size() > limit ? List.copyOf(hits.subList(0, limit)) : hits;
    }

    /** Adds the words of {@code text}, each counting {@code weight}; returns the weighted length added. */
    private static double add(Map<String, Double> tf, String text, double weight) {
        List<String> words = tokens(text);
        for (String w : words) {
            tf.merge(w, weight, Double::sum);
        }
        return words.size() * weight;
    }

    /** The names and descriptions of a schema's top-level properties: "a First number b Second number". */
    private static String parameters(JsonNode schema) {
        if (schema == null || !schema.path("properties").isObject()) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        schema.path("properties").properties().forEach(p -> b.append(p.getKey()).append(' ')
                .append(p.getValue().path("description").asText("")).append(' '));
        return b.toString();
    }

    private static String text(JsonNode tool, String field, String fallback) {
        JsonNode v = tool.get(field);
        return v != null && v.isTextual() && !v.textValue().isBlank() ? v.textValue() : fallback;
    }

    /**
     * The words of a text or identifier: split at anything not a letter or digit and where camelCase changes case
     * ({@code get_sum}, {@code get-sum}, {@code getSum}: get, sum), lower-cased, stop words and single letters left out,
     * plurals made singular.
     */
    static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        StringBuilder word = new StringBuilder();
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : ' ';
            boolean boundary = !Character.isLetterOrDigit(c)
                    || Character.isUpperCase(c) && i > 0 && Character.isLowerCase(text.charAt(i - 1));
            if (boundary && !word.isEmpty()) {
                String w = word.toString().toLowerCase(Locale.ROOT);
                if (w.length() > 1 && !STOP.contains(w)) {
                    out.add(singular(w));
                }
                word.setLength(0);
            }
            if (Character.isLetterOrDigit(c)) {
                word.append(c);
            }
        }
        return out;
    }

    /** A light plural stemmer (Harman's S-stemmer, with -ches/-shes/-sses/-xes): "numbers" and "number" meet. */
    static String singular(String w) {
        if (w.length() <= 3) {
            return w;
        }
        if (w.endsWith("ies") && !w.endsWith("eies") && !w.endsWith("aies")) {
            return w.substring(0, w.length() - 3) + "y";
        }
        if (w.endsWith("sses") || w.endsWith("xes") || w.endsWith("ches") || w.endsWith("shes")) {
            return w.substring(0, w.length() - 2);
        }
        if (w.endsWith("es") && !w.endsWith("aes") && !w.endsWith("ees") && !w.endsWith("oes")) {
            return w.substring(0, w.length() - 1);
        }
        if (w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is")) {
            return w.substring(0, w.length() - 1);
        }
        return w;
    }
}
