package keel.log.tool;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Renders record bytes for the dump: decoded as UTF-8 (malformed input becomes U+FFFD) and quoted, with quotes,
 * backslashes and control characters escaped, so that every record stays on one line and a null key ({@code null})
 * cannot be mistaken for the text {@code "null"}. Stateless.
 */
final class Text {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Text() {
    }

    /**
     * @param buffer the buffer holding the bytes.
     * @param offset their index in the buffer.
     * @param length their length, or -1 for null.
     * @return {@code null}, or the bytes as a quoted, escaped string.
     */
    static String quote(final ByteBuffer buffer, final int offset, final int length) {
        if (length < 0) {
            return "null";
        }
        final byte[] bytes = new byte[length];
        buffer.get(offset, bytes);
        return quote(new String(bytes, StandardCharsets.UTF_8));
    }

    /**
     * @param text any text.
     * @return the text in double quotes, escaped.
     */
    static String quote(final String text) {
        final StringBuilder sb = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /**
     * @param count a count.
     * @param noun  the singular noun.
     * @return e.g. {@code "1 batch"}, {@code "3 batches"} or {@code "2 entries"}.
     */
    static String plural(final long count, final String noun) {
        if (count == 1) {
            return count + " " + noun;
        }
        if (noun.endsWith("y")) {
            return count + " " + noun.substring(0, noun.length() - 1) + "ies";
        }
        return count + " " + (noun.endsWith("ch") || noun.endsWith("s") ? noun + "es" : noun + "s");
    }
}
