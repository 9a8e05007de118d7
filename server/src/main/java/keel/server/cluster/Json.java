package keel.server.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small JSON subset Keel's znodes use: objects, arrays, strings without escapes other than {@code \"} and
 * {@code \\}, integers, {@code null}, {@code true}/{@code false}. Parsing gives {@link Map}, {@link List},
 * {@link Long}, {@link String}, {@link Boolean} or {@code null}. Not a general JSON library: every znode Keel reads
 * was written by Keel, and a malformed one fails with {@link IllegalArgumentException} naming the position.
 * Stateless apart from one parse; each parse is confined to one thread.
 */
final class Json {
    private final String text;
    private int pos;

    private Json(final String text) {
        this.text = text;
    }

    static Object parse(final byte[] bytes) {
        final Json json = new Json(new String(bytes, StandardCharsets.UTF_8));
        final Object value = json.value();
        json.skipSpace();
        if (json.pos != json.text.length()) {
            throw json.error("end of input");
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parseObject(final byte[] bytes) {
        final Object value = parse(bytes);
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException("Expected a JSON object, got " + new String(bytes,
                StandardCharsets.UTF_8));
        }
        return (Map<String, Object>) value;
    }

    static int intField(final Map<String, Object> object, final String name) {
        final Object value = object.get(name);
        if (!(value instanceof Long)) {
            throw new IllegalArgumentException("Expected an integer field " + name + " in " + object);
        }
        return Math.toIntExact((Long) value);
    }

    static List<Integer> intList(final Object value, final String name) {
        if (!(value instanceof List)) {
            throw new IllegalArgumentException("Expected an integer array " + name + ", got " + value);
        }
        final List<?> list = (List<?>) value;
        final List<Integer> ints = new ArrayList<>(list.size());
        for (final Object element : list) {
            if (!(element instanceof Long)) {
                throw new IllegalArgumentException("Expected an integer array " + name + ", got " + value);
            }
            ints.add(Math.toIntExact((Long) element));
        }
        return List.copyOf(ints);
    }

    static String quote(final String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    static String intArray(final List<Integer> values) {
        final StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(values.get(i).intValue());
        }
        return out.append(']').toString();
    }

    private Object value() {
        skipSpace();
        if (pos >= text.length()) {
            throw error("a value");
        }
        final char c = text.charAt(pos);
        if (c == '{') {
            return object();
        }
        if (c == '[') {
            return array();
        }
        if (c == '"') {
            return string();
        }
        if (c == '-' || c >= '0' && c <= '9') {
            return number();
        }
        if (text.startsWith("null", pos)) {
            pos += 4;
            return null;
        }
        if (text.startsWith("true", pos)) {
            pos += 4;
            return Boolean.TRUE;
        }
        if (text.startsWith("false", pos)) {
            pos += 5;
            return Boolean.FALSE;
        }
        throw error("a value");
    }

    private Map<String, Object> object() {
        final Map<String, Object> map = new LinkedHashMap<>();
        pos++;
        skipSpace();
        if (peek() == '}') {
            pos++;
            return map;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw error("a field name");
            }
            final String key = string();
            skipSpace();
            expect(':');
            map.put(key, value());
            skipSpace();
            if (peek() == ',') {
                pos++;
            } else {
                expect('}');
                return map;
            }
        }
    }

    private List<Object> array() {
        final List<Object> list = new ArrayList<>();
        pos++;
        skipSpace();
        if (peek() == ']') {
            pos++;
            return list;
        }
        while (true) {
            list.add(value());
            skipSpace();
            if (peek() == ',') {
                pos++;
            } else {
                expect(']');
                return list;
            }
        }
    }

    private String string() {
        pos++;
        final StringBuilder out = new StringBuilder();
        while (pos < text.length()) {
            final char c = text.charAt(pos++);
            if (c == '"') {
                return out.toString();
            }
            if (c == '\\') {
                if (pos >= text.length()) {
                    break;
                }
                out.append(text.charAt(pos++));
            } else {
                out.append(c);
            }
        }
        throw error("a closing quote");
    }

    private Long number() {
        final int start = pos;
        if (peek() == '-') {
            pos++;
        }
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
            pos++;
        }
        try {
            return Long.parseLong(text.substring(start, pos));
        } catch (final NumberFormatException ex) {
            throw error("an integer");
        }
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void expect(final char c) {
        if (peek() != c) {
            throw error("'" + c + "'");
        }
        pos++;
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private IllegalArgumentException error(final String expected) {
        return new IllegalArgumentException("Malformed JSON: expected " + expected + " at position=" + pos
            + " in " + text);
    }
}
