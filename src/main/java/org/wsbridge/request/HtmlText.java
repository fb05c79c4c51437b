package org.wsbridge.request;

/** Escapes text for HTML element content and quoted attribute values. */
public final class HtmlText {
    private HtmlText() {
    }

    /** Escapes the five characters that can end a text node or a quoted attribute: {@code & < > " '}. */
    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&#34;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
