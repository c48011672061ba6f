package io.camelmcp.gateway.registry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.springframework.util.PatternMatchUtils;

/**
 * A list of names and {@code *} patterns (an authorization rule's, a virtual server's), compiled once per change: plain
 * names go into a hash set (one lookup), a lone {@code *} matches everything, and only real patterns are matched one by
 * one, with the same matcher as a server's tool filter ({@link PatternMatchUtils#simpleMatch}: no regular expression,
 * nothing compiled per call).
 */
public final class NamePatterns {

    /** No entry: matches nothing (and {@link #isEmpty}). */
    public static final NamePatterns NONE = new NamePatterns(false, Set.of(), new String[0], true);
    /** A lone {@code *}: matches every name. */
    public static final NamePatterns ALL = new NamePatterns(true, Set.of(), new String[0], false);

    private final boolean any;
    private final Set<String> names;
    private final String[] patterns;
    private final boolean empty;

    private NamePatterns(boolean any, Set<String> names, String[] patterns, boolean empty) {
        this.any = any;
        this.names = names;
        this.patterns = patterns;
        this.empty = empty;
    }

    public static NamePatterns of(Collection<String> entries) {
        if (entries == null || entries.isEmpty()) {
            return NONE;
        }
        boolean any = false;
        Set<String> names = new HashSet<>();
        List<String> patterns = new ArrayList<>();
        for (String e : entries) {
            if (e == null || e.isEmpty()) {
                continue;
            }
            if (e.chars().allMatch(c -> c == '*')) {
                any = true;
            } else if (e.indexOf('*') >= 0) {
                patterns.add(e);
            } else {
                names.add(e);
            }
        }
        return new NamePatterns(any, Set.copyOf(names), patterns.toArray(String[]::new),
                !any && names.isEmpty() && patterns.isEmpty());
    }

    /** No entry: the field was not given (a rule's "any"). */
    public boolean isEmpty() {
        return empty;
    }

    public boolean matches(String value) {
        if (any) {
            return value != null;
        }
        if (value == null) {
            return false;
        }
        if (names.contains(value)) {
            return true;
        }
        for (String p : patterns) {
            if (PatternMatchUtils.simpleMatch(p, value)) {
                return true;
            }
        }
        return false;
    }

    public boolean matchesAny(Collection<?> values) {
        for (Object v : values) {
            if (v != null && matches(v.toString())) {
                return true;
            }
        }
        return false;
    }
}
