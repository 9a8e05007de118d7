package keel.log.tool;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of one command after its name: options ({@code --name value}, {@code --name=value} or a flag
 * {@code --name}) and positional arguments, in any order; {@code --} ends the options. Plain Java on purpose: the
 * tool has a handful of options, and picocli is only a dependency of the perf module. Immutable once parsed.
 */
final class Arguments {
    private final String command;
    private final List<String> positionals;
    private final Map<String, String> values;
    private final Set<String> flags;

    private Arguments(final String command, final List<String> positionals, final Map<String, String> values,
                      final Set<String> flags) {
        this.command = command;
        this.positionals = positionals;
        this.values = values;
        this.flags = flags;
    }

    /**
     * Parses the arguments of a command.
     *
     * @param command the command, for messages.
     * @param args    the arguments after the command name.
     * @return the parsed arguments.
     * @throws UsageException for an unknown option, an option given twice, or a missing or unexpected value.
     */
    static Arguments parse(final Command command, final List<String> args) throws UsageException {
        final List<String> positionals = new ArrayList<>();
        final Map<String, String> values = new HashMap<>();
        final Set<String> flags = new HashSet<>();
        boolean optionsEnded = false;
        for (int i = 0; i < args.size(); i++) {
            final String arg = args.get(i);
            if (optionsEnded || !arg.startsWith("--")) {
                positionals.add(arg);
                continue;
            }
            if (arg.equals("--")) {
                optionsEnded = true;
                continue;
            }
            final int equals = arg.indexOf('=');
            final String name = equals < 0 ? arg : arg.substring(0, equals);
            if (values.containsKey(name) || flags.contains(name)) {
                throw new UsageException("option " + name + " is given more than once");
            }
            if (command.valueOptions().contains(name)) {
                if (equals >= 0) {
                    values.put(name, arg.substring(equals + 1));
                } else if (i + 1 < args.size()) {
                    i++;
                    values.put(name, args.get(i));
                } else {
                    throw new UsageException("option " + name + " needs a value");
                }
            } else if (command.flagOptions().contains(name)) {
                if (equals >= 0) {
                    throw new UsageException("option " + name + " takes no value");
                }
                flags.add(name);
            } else {
                throw new UsageException("unknown option " + name);
            }
        }
        return new Arguments(command.name(), positionals, values, flags);
    }

    /**
     * The only positional argument.
     *
     * @param what its name in the synopsis, e.g. {@code DIR}.
     * @return the argument.
     * @throws UsageException if there is none or more than one.
     */
    String single(final String what) throws UsageException {
        if (positionals.isEmpty()) {
            throw new UsageException("missing " + what);
        }
        if (positionals.size() > 1) {
            throw new UsageException("expected one " + what + " but got " + positionals.size() + ": "
                + String.join(" ", positionals));
        }
        return positionals.get(0);
    }

    /**
     * @param name the option, e.g. {@code --key-separator}.
     * @return its value, or null if not given.
     */
    String value(final String name) {
        return values.get(name);
    }

    /**
     * An integer option.
     *
     * @param name         the option.
     * @param defaultValue the value when the option is not given.
     * @param min          the smallest value allowed.
     * @param max          the largest value allowed.
     * @return the value.
     * @throws UsageException if the value is not an integer in {@code [min, max]}.
     */
    int intValue(final String name, final int defaultValue, final int min, final int max) throws UsageException {
        final String text = values.get(name);
        if (text == null) {
            return defaultValue;
        }
        try {
            final long value = Long.parseLong(text.trim());
            if (value >= min && value <= max) {
                return (int) value;
            }
        } catch (final NumberFormatException ignore) {
            // reported below with the allowed range
        }
        throw new UsageException(name + " must be an integer from " + min + " to " + max + ", not '" + text + "'");
    }

    /**
     * @param name the flag, e.g. {@code --print-data}.
     * @return whether it was given.
     */
    boolean flag(final String name) {
        return flags.contains(name);
    }

    @Override
    public String toString() {
        return "Arguments{command=" + command + ", positionals=" + positionals + ", values=" + values + ", flags="
            + flags + '}';
    }
}
