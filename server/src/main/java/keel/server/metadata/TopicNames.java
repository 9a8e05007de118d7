package keel.server.metadata;

/**
 * Kafka's topic name rules: 1 to 249 characters of {@code [a-zA-Z0-9._-]}, not "." or "..". Stateless.
 */
public final class TopicNames {
    /** Kafka's limit: a partition directory name must fit in 255 bytes with its "-NNNNN" suffix. */
    public static final int MAX_LENGTH = 249;

    private TopicNames() {
    }

    /**
     * @param name a topic name.
     * @return null when valid, else why not.
     */
    public static String invalidReason(final String name) {
        if (name == null || name.isEmpty()) {
            return "Topic name is empty";
        }
        if (".".equals(name) || "..".equals(name)) {
            return "Topic name cannot be \".\" or \"..\"";
        }
        if (name.length() > MAX_LENGTH) {
            return "Topic name " + name + " is " + name.length() + " characters long, more than " + MAX_LENGTH;
        }
        for (int i = 0; i < name.length(); i++) {
            final char c = name.charAt(i);
            final boolean legal = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.'
                || c == '_' || c == '-';
            if (!legal) {
                return "Topic name " + name + " is illegal: it contains '" + c
                    + "'; allowed are ASCII letters, digits, '.', '_' and '-'";
            }
        }
        return null;
    }
}
