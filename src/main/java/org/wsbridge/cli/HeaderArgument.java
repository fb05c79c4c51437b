package org.wsbridge.cli;

import org.wsbridge.config.HeaderRules.Header;

/**
 * Reads one {@code --header}, {@code --header-ws} or {@code --header-http} value, {@code "Name: value"}: the
 * name is canonicalised as Go does ({@code x-foo} becomes {@code X-Foo}) and leading blanks of the value are
 * dropped. Anything that could break the response (CR, LF, other control characters, a bad name) is refused
 * at startup rather than sent.
 */
final class HeaderArgument {
    // RFC 9110 token characters besides letters and digits.
    private static final String TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";

    private HeaderArgument() {
    }

    static Header parse(String option, String argument) throws UsageError {
        int colon = argument.indexOf(':');
        if (colon < 0) {
            throw invalid(option, argument, "has no colon; write it as \"Name: value\"");
        }
        if (argument.indexOf('\r') >= 0 || argument.indexOf('\n') >= 0) {
            throw invalid(option, argument, "contains a line break (CR or LF), which would split the response");
        }
        String name = argument.substring(0, colon).strip();
        String value = argument.substring(colon + 1).replaceFirst("^[ \t]+", "");
        if (name.isEmpty() || !name.chars().allMatch(HeaderArgument::isTokenChar)) {
            throw invalid(option, argument, "has an invalid header name '" + name
                    + "'; use letters, digits and " + TOKEN_SYMBOLS);
        }
        if (value.chars().anyMatch(c -> (c < 0x20 && c != '\t') || c == 0x7f)) {
            throw invalid(option, argument, "contains a control character in its value");
        }
        return new Header(canonical(name), value);
    }

    /** Go's textproto.CanonicalMIMEHeaderKey: upper case at the start and after each '-', lower case elsewhere. */
    static String canonical(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        boolean upper = true;
        for (char c : name.toCharArray()) {
            sb.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
            upper = c == '-';
        }
        return sb.toString();
    }

    private static boolean isTokenChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || TOKEN_SYMBOLS.indexOf(c) >= 0;
    }

    private static UsageError invalid(String option, String argument, String problem) {
        return UsageError.invalid(option + ": '" + printable(argument) + "' " + problem);
    }

    // Keeps a message on one line even when the argument has line breaks in it.
    private static String printable(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }
}
