package io.herald.criteria;

import io.herald.criteria.Criteria.Clause;
import io.herald.criteria.Criteria.Modifier;
import io.herald.criteria.Criteria.Value;

import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses FHIR search criteria into {@link Criteria}, rejecting (with the parameter named) all it
 * cannot evaluate: unknown, chained, {@code _has}, composite and special parameters, modifiers
 * and prefixes that do not fit the parameter's type, and malformed values.
 */
public final class CriteriaParser {

  private static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z0-9]{0,63}");
  private static final Pattern NUMBER = Pattern.compile("[+-]?\\d+(\\.\\d+)?([eE][+-]?\\d+)?");

  private final Registry registry;

  public CriteriaParser(Registry registry) {
    this.registry = registry;
  }

  /** {@code Type?a=1&b=2} (URL-encoded as in a URL; {@code Type} alone matches every resource of the type). */
  public Criteria parse(String expression) {
    int q = expression.indexOf('?');
    String type = q < 0 ? expression : expression.substring(0, q);
    if (!TYPE.matcher(type).matches()) {
      throw new CriteriaException("criteria", "'" + expression + "' does not start with a resource type (Type?param=value)");
    }
    Map<String, List<String>> params = new LinkedHashMap<>();
    if (q >= 0 && q < expression.length() - 1) {
      for (String pair : expression.substring(q + 1).split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          throw new CriteriaException(pair, "has no value (expected name=value)");
        }
        String name = decode(pair.substring(0, eq), pair.substring(0, eq));
        params.computeIfAbsent(name, k -> new ArrayList<>()).add(decode(pair.substring(eq + 1), name));
      }
    }
    return parse(type, params);
  }

  /** Parameters already split and decoded: each name with all its values, in order. */
  public Criteria parse(String type, Map<String, List<String>> params) {
    List<Clause> clauses = new ArrayList<>();
    for (Map.Entry<String, List<String>> param : params.entrySet()) {
      for (String value : param.getValue()) {
        clauses.add(clause(type, param.getKey(), value));
      }
    }
    return new Criteria(type, clauses);
  }

  private Clause clause(String type, String key, String value) {
    if (key.startsWith("_has")) {
      throw new CriteriaException(key, "reverse chaining (_has) is not supported");
    }
    int colon = key.indexOf(':');
    String name = colon < 0 ? key : key.substring(0, colon);
    String modifierText = colon < 0 ? null : key.substring(colon + 1);
    if (name.contains(".")) {
      throw new CriteriaException(key, "chained parameters are not supported");
    }
    SearchParameter p = registry.find(type, name);
    if (p == null) {
      throw new CriteriaException(key, "is not a search parameter of " + type);
    }
    if (!p.type().evaluable()) {
      throw new CriteriaException(key, p.type().name().toLowerCase() + " parameters are not supported");
    }
    if (value.isEmpty()) {
      throw new CriteriaException(key, "has an empty value");
    }
    Modifier modifier = modifier(key, p, modifierText);
    if (modifier == Modifier.MISSING) {
      if (!value.equals("true") && !value.equals("false")) {
        throw new CriteriaException(key, ":missing takes true or false, not '" + value + "'");
      }
      return new Clause(p, modifier, List.of(), Boolean.parseBoolean(value));
    }
    String targetType = p.type() == ParamType.REFERENCE && modifierText != null ? modifierText : null;
    List<Value> values = new ArrayList<>();
    for (String part : split(value)) {
      if (part.isEmpty()) {
        throw new CriteriaException(key, "has an empty value in '" + value + "'");
      }
      values.add(value(key, p, modifier, targetType, part));
    }
    return new Clause(p, modifier, values, false);
  }

  private static Modifier modifier(String key, SearchParameter p, String text) {
    if (text == null) {
      return Modifier.NONE;
    }
    if (text.equals("missing")) {
      return Modifier.MISSING;
    }
    switch (p.type()) {
      case STRING -> {
        if (text.equals("exact")) {
          return Modifier.EXACT;
        }
        if (text.equals("contains")) {
          return Modifier.CONTAINS;
        }
      }
      case TOKEN -> {
        if (text.equals("not")) {
          return Modifier.NOT;
        }
        if (text.equals("text")) {
          return Modifier.TEXT;
        }
      }
      case REFERENCE -> {
        if (TYPE.matcher(text).matches() && (p.targets().isEmpty() || p.targets().contains(text))) {
          return Modifier.NONE;   // :Type narrows the reference to that type
        }
      }
      default -> {
      }
    }
    throw new CriteriaException(key, "modifier ':" + text + "' is not supported on " + p.type().name().toLowerCase()
        + " parameters" + (p.type() == ParamType.REFERENCE && TYPE.matcher(text).matches() ? " targeting " + text : ""));
  }

  private static Value value(String key, SearchParameter p, Modifier modifier, String targetType, String v) {
    return switch (p.type()) {
      case STRING -> new Criteria.StringValue(Text.normalize(unescape(v)), unescape(v));
      case TOKEN -> token(v, modifier);
      case DATE -> date(key, v);
      case NUMBER -> number(key, v, v);
      case QUANTITY -> quantity(key, v);
      case REFERENCE -> reference(key, p, targetType, v);
      case URI -> new Criteria.UriValue(unescape(v));
      default -> throw new CriteriaException(key, "cannot be evaluated");
    };
  }

  private static Value token(String v, Modifier modifier) {
    if (modifier == Modifier.TEXT) {
      return new Criteria.TokenValue(null, false, null, Text.normalize(v));
    }
    int bar = indexOfUnescaped(v, '|');
    if (bar < 0) {
      return new Criteria.TokenValue(null, false, unescape(v), null);
    }
    String system = unescape(v.substring(0, bar));
    String code = unescape(v.substring(bar + 1));
    return new Criteria.TokenValue(system.isEmpty() ? null : system, true, code.isEmpty() ? null : code, null);
  }

  private static Value date(String key, String v) {
    Prefix prefix = Prefix.of(v, key);
    String text = Prefix.written(v) ? v.substring(2) : v;
    DateRange range;
    try {
      range = DateRange.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CriteriaException(key, e.getMessage());
    }
    if (prefix == Prefix.AP) {   // approximately: 10% of the distance from now, on each side
      long now = Instant.now().toEpochMilli();
      long slack = Math.abs(now - range.lo()) / 10;
      range = new DateRange(range.lo() - slack, range.hi() + slack);
    }
    return new Criteria.DateValue(prefix, range);
  }

  private static Criteria.NumberValue number(String key, String v, String whole) {
    Prefix prefix = Prefix.of(v, key);
    String text = Prefix.written(v) ? v.substring(2) : v;
    if (!NUMBER.matcher(text).matches()) {
      throw new CriteriaException(key, "'" + whole + "' is not a number");
    }
    BigDecimal value;
    try {
      value = new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw new CriteriaException(key, "'" + whole + "' is out of range");
    }
    if (Math.abs(value.scale()) > 1000 || value.precision() - value.scale() > 1000) {
      throw new CriteriaException(key, "'" + whole + "' is out of range");
    }
    BigDecimal half = BigDecimal.valueOf(5, Math.max(0, value.scale()) + 1);   // half a unit of the last digit
    return new Criteria.NumberValue(prefix, value, value.subtract(half), value.add(half));
  }

  private static Value quantity(String key, String v) {
    String[] parts = v.split("\\|", -1);
    if (parts.length != 1 && parts.length != 3) {
      throw new CriteriaException(key, "'" + v + "' is not a quantity (number, or number|system|code)");
    }
    Criteria.NumberValue number = number(key, parts[0], v);
    String system = parts.length == 3 && !parts[1].isEmpty() ? parts[1] : null;
    String code = parts.length == 3 && !parts[2].isEmpty() ? parts[2] : null;
    return new Criteria.QuantityValue(number, system, code);
  }

  private static Value reference(String key, SearchParameter p, String targetType, String v) {
    IndexValue.Reference r = Extractor.reference(v);
    if (r.id() == null) {
      return new Criteria.ReferenceValue(null, null, v);
    }
    String type = r.type() != null ? r.type() : targetType != null ? targetType
        : p.targets().size() == 1 ? p.targets().get(0) : null;
    if (targetType != null && r.type() != null && !r.type().equals(targetType)) {
      throw new CriteriaException(key, "'" + v + "' names a " + r.type() + ", not a " + targetType);
    }
    if (type != null && !p.targets().isEmpty() && !p.targets().contains(type)) {
      throw new CriteriaException(key, "cannot refer to a " + type + "; it refers to " + String.join(", ", p.targets()));
    }
    return new Criteria.ReferenceValue(type, r.id(), v);
  }

  /** Splits on commas not escaped with a backslash. */
  private static List<String> split(String value) {
    List<String> parts = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        current.append(c).append(value.charAt(++i));
      } else if (c == ',') {
        parts.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    parts.add(current.toString());
    return parts;
  }

  private static int indexOfUnescaped(String s, char c) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '\\') {
        i++;
      } else if (s.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  private static String unescape(String s) {
    return s.replaceAll("\\\\([,|$\\\\])", "$1");
  }

  private static String decode(String s, String parameter) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new CriteriaException(parameter, "'" + s + "' is not valid URL encoding");
    }
  }
}
