package blog.util;

import java.text.Normalizer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Turns titles into unique URL slugs, as a static site generator does. */
public final class Slugs {
    private static final int MAX_LENGTH = 60;
    private final Map<String, Integer> seen = new HashMap<>();

    public String slug(String title) {
        if (title == null || title.isBlank()) {
            throw new IllegalArgumentException("a title is needed");
        }
        String ascii = Normalizer.normalize(title, Normalizer.Form.NFKD)
                .replaceAll("\\p{M}", "");
        String base = ascii.toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-")
                .replaceAll("(^-|-$)", "");
        if (base.length() > MAX_LENGTH) {
            base = base.substring(0, MAX_LENGTH);
        }
        int n = seen.merge(base, 1, Integer::sum);
        return n == 1 ? base : base + "-" + n;
    }

    @Override
    public String toString() {
        return "Slugs[" + seen.size() + " seen]";
    }
}
