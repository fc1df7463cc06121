package io.herald.criteria;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Extracts the values of search parameters from a resource (plain {@code Map}/{@code List} JSON).
 * The SQL index rows and the in-memory matcher both use what this returns.
 */
public final class Extractor {

  private static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z0-9]{0,63}");
  private static final String[] NAME_PARTS = {"family", "given", "prefix", "suffix", "text", "line", "city",
      "district", "state", "postalCode", "country"};

  private Extractor() {
  }

  /** Every evaluable parameter of the resource's type that has at least one value. */
  public static Map<SearchParameter, List<IndexValue>> index(Map<String, Object> resource, Registry registry) {
    Map<SearchParameter, List<IndexValue>> index = new LinkedHashMap<>();
    for (SearchParameter p : registry.forType(String.valueOf(resource.get("resourceType")))) {
      if (p.type().evaluable()) {
        List<IndexValue> values = extract(resource, p);
        if (!values.isEmpty()) {
          index.put(p, values);
        }
      }
    }
    return index;
  }

  public static List<IndexValue> extract(Map<String, Object> resource, SearchParameter p) {
    List<IndexValue> values = new ArrayList<>();
    for (String path : p.paths()) {
      List<Object> leaves = new ArrayList<>();
      walk(resource, segments(path), 0, leaves);
      for (Object leaf : leaves) {
        convert(leaf, p, values);
      }
    }
    return values;
  }

  /** A path's segments: split at each dot that is not inside a {@code [field=value]} filter (a value may be a URL). */
  static String[] segments(String path) {
    List<String> segments = new ArrayList<>(4);
    int start = 0;
    int depth = 0;
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '[') {
        depth++;
      } else if (c == ']') {
        depth--;
      } else if (c == '.' && depth == 0) {
        segments.add(path.substring(start, i));
        start = i + 1;
      }
    }
    segments.add(path.substring(start));
    return segments.toArray(String[]::new);
  }

  private static void walk(Object node, String[] segments, int i, List<Object> out) {
    if (node instanceof List<?> list) {
      for (Object element : list) {
        walk(element, segments, i, out);
      }
      return;
    }
    if (i == segments.length) {
      if (node != null) {
        out.add(node);
      }
      return;
    }
    if (!(node instanceof Map<?, ?> map)) {
      return;
    }
    String segment = segments[i];
    String filterField = null;
    String filterValue = null;
    int bracket = segment.indexOf('[');
    if (bracket > 0 && segment.endsWith("]")) {
      String[] filter = segment.substring(bracket + 1, segment.length() - 1).split("=", 2);
      filterField = filter[0];
      filterValue = filter.length > 1 ? filter[1] : "";
      segment = segment.substring(0, bracket);
    }
    Object child = map.get(segment);
    if (filterField == null) {
      walk(child, segments, i + 1, out);
    } else {
      List<?> elements = child instanceof List<?> l ? l : child == null ? List.of() : List.of(child);
      for (Object element : elements) {
        if (element instanceof Map<?, ?> m && filterValue.equals(m.get(filterField))) {
          walk(element, segments, i + 1, out);
        }
      }
    }
  }

  private static void convert(Object leaf, SearchParameter p, List<IndexValue> out) {
    switch (p.type()) {
      case STRING -> string(leaf, out);
      case TOKEN -> token(leaf, p, out);
      case DATE -> date(leaf, out);
      case NUMBER -> {
        if (leaf instanceof Number n && decimal(n) != null) {
          out.add(new IndexValue.Num(decimal(n)));
        }
      }
      case QUANTITY -> {
        if (leaf instanceof Map<?, ?> m && m.get("value") instanceof Number n && decimal(n) != null) {
          out.add(new IndexValue.Quantity(decimal(n), str(m.get("system")), str(m.get("code")), str(m.get("unit"))));
        }
      }
      case REFERENCE -> {
        Object ref = leaf instanceof Map<?, ?> m ? m.get("reference") : leaf;
        if (ref instanceof String s && !s.isEmpty()) {
          IndexValue.Reference r = reference(s);
          boolean implied = r.type() == null && r.id() != null && p.targets().size() == 1;
          out.add(implied ? new IndexValue.Reference(p.targets().get(0), r.id(), r.url()) : r);
        }
      }
      case URI -> {
        if (leaf instanceof String s) {
          out.add(new IndexValue.Uri(s));
        }
      }
      default -> {
      }
    }
  }

  private static void string(Object leaf, List<IndexValue> out) {
    if (leaf instanceof String s) {
      out.add(new IndexValue.Str(Text.normalize(s), s));
    } else if (leaf instanceof Map<?, ?> m) {   // HumanName, Address: their string parts
      for (String part : NAME_PARTS) {
        Object v = m.get(part);
        if (v instanceof List<?> l) {
          l.forEach(x -> string(x, out));
        } else if (v instanceof String) {
          string(v, out);
        }
      }
    }
  }

  private static void token(Object leaf, SearchParameter p, List<IndexValue> out) {
    if (leaf instanceof String s) {
      out.add(new IndexValue.Token(null, s, null));
    } else if (leaf instanceof Boolean b) {
      out.add(new IndexValue.Token(null, b.toString(), null));
    } else if (leaf instanceof Number n && decimal(n) != null) {
      out.add(new IndexValue.Token(null, decimal(n).toPlainString(), null));
    } else if (leaf instanceof Map<?, ?> m) {
      if (p.codeField() != null || p.systemField() != null) {
        String system = str(m.get(p.systemField() == null ? "system" : p.systemField()));
        String code = str(m.get(p.codeField() == null ? "code" : p.codeField()));
        if (code != null || system != null) {
          out.add(new IndexValue.Token(system, code, null));
        }
      } else if (m.containsKey("coding") || (m.containsKey("text") && !m.containsKey("code") && !m.containsKey("value"))) {
        if (m.get("coding") instanceof List<?> codings) {    // CodeableConcept
          for (Object coding : codings) {
            if (coding instanceof Map<?, ?> c) {
              out.add(coding(c));
            }
          }
        }
        if (m.get("text") instanceof String text) {
          out.add(new IndexValue.Token(null, null, Text.normalize(text)));
        }
      } else if (m.containsKey("code")) {                     // Coding
        out.add(coding(m));
      } else if (m.containsKey("value")) {                    // Identifier, ContactPoint
        Object type = m.get("type");
        String text = type instanceof Map<?, ?> t && t.get("text") instanceof String s ? Text.normalize(s) : null;
        out.add(new IndexValue.Token(str(m.get("system")), str(m.get("value")), text));
      }
    }
  }

  private static IndexValue.Token coding(Map<?, ?> c) {
    String display = str(c.get("display"));
    return new IndexValue.Token(str(c.get("system")), str(c.get("code")), display == null ? null : Text.normalize(display));
  }

  private static void date(Object leaf, List<IndexValue> out) {
    try {
      if (leaf instanceof String s) {
        DateRange r = DateRange.parse(s);
        out.add(new IndexValue.Date(r.lo(), r.hi()));
      } else if (leaf instanceof Map<?, ?> m && (m.containsKey("start") || m.containsKey("end"))) {   // Period
        long lo = m.get("start") instanceof String s ? DateRange.parse(s).lo() : Long.MIN_VALUE;
        long hi = m.get("end") instanceof String e ? DateRange.parse(e).hi() : Long.MAX_VALUE;
        out.add(new IndexValue.Date(lo, hi));
      }
    } catch (IllegalArgumentException unreadable) {
      // a value that is not a date is not indexed, and so matches no date search
    }
  }

  /** {@code Patient/1}, {@code http://x/fhir/Patient/1/_history/2}, or a bare id. */
  public static IndexValue.Reference reference(String url) {
    String s = url;
    int history = s.indexOf("/_history/");
    if (history > 0) {
      s = s.substring(0, history);
    }
    String[] parts = s.split("/");
    if (parts.length >= 2 && TYPE.matcher(parts[parts.length - 2]).matches()) {
      return new IndexValue.Reference(parts[parts.length - 2], parts[parts.length - 1], url);
    }
    if (!s.contains("/") && !s.contains(":") && !s.startsWith("#")) {
      return new IndexValue.Reference(null, s, url);
    }
    return new IndexValue.Reference(null, null, url);
  }

  static BigDecimal decimal(Number n) {
    if (n instanceof BigDecimal b) {
      return b;
    }
    if (n instanceof Double d && !Double.isFinite(d)) {
      return null;
    }
    return new BigDecimal(n.toString());
  }

  private static String str(Object o) {
    return o instanceof String s ? s : o == null ? null : o.toString();
  }
}
