package io.herald.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import com.fasterxml.jackson.core.JsonParser;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.ext.web.RoutingContext;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Validation of what a FHIR request carries: type and id in the path, the body, If-Match. */
final class FhirRequests {

  static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z0-9]{0,63}");
  static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
  /** The deepest a resource may nest (the resource object is level 1). */
  static final int MAX_DEPTH = 100;
  private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,17}");
  private static final Pattern ETAG = Pattern.compile("(W/)?\"(\\d{1,18})\"|(\\d{1,18})");

  private FhirRequests() {
  }

  /** The resource type from the path; one that cannot be a type names no route (404). */
  static String type(RoutingContext ctx) {
    String type = ctx.pathParam("type");
    if (!TYPE.matcher(type).matches()) {
      throw Errors.notFound("'" + type + "' is not a resource type: types match [A-Z][A-Za-z0-9]{0,63}");
    }
    return type;
  }

  static String id(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!ID.matcher(id).matches()) {
      throw Errors.invalid("'" + id + "' is not a valid id: ids are 1 to 64 of A-Z a-z 0-9 - .");
    }
    return id;
  }

  static long versionId(RoutingContext ctx) {
    String vid = ctx.pathParam("vid");
    if (VERSION.matcher(vid).matches()) {
      return Long.parseLong(vid);
    }
    throw Errors.invalid("'" + vid + "' is not a version id: version ids are positive whole numbers");
  }

  /** The body as a resource of {@code type}: a JSON object whose resourceType matches the URL. */
  static JsonObject resource(RoutingContext ctx, String type) {
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      throw Errors.structure("The request has no body; expected a " + type + " resource as JSON");
    }
    Object parsed = parse(body);
    if (!(parsed instanceof JsonObject resource)) {
      throw Errors.structure("The body must be a JSON object (a FHIR resource), not " + kind(parsed));
    }
    Object resourceType = resource.getValue("resourceType");
    if (!(resourceType instanceof String)) {
      throw Errors.invalid("The resource has no resourceType string; expected \"resourceType\": \"" + type + "\"");
    }
    if (!resourceType.equals(type)) {
      throw Errors.invalid("resourceType '" + resourceType + "' does not match the URL, which names " + type);
    }
    Object meta = resource.getValue("meta");
    if (resource.containsKey("meta") && !(meta instanceof JsonObject)) {
      throw Errors.invalid("meta must be a JSON object");
    }
    checkValues(resource.getMap(), "", 1);
    Object id = resource.getValue("id");
    if (id != null && !(id instanceof String)) {
      throw Errors.invalid("id must be a string");
    }
    return resource;
  }

  /**
   * The body as JSON, strictly: UTF-8 that decodes without a malformed or overlong sequence or an encoded
   * surrogate, and no object with the same key twice. Nothing is changed on the way in.
   */
  private static Object parse(Buffer body) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body.getBytes())).toString();
    } catch (CharacterCodingException e) {
      throw Errors.structure("The body is not valid UTF-8 (a malformed, overlong or surrogate byte sequence)");
    }
    try {
      JsonParser parser = JacksonCodec.createParser(text);
      parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      Object parsed = JacksonCodec.fromParser(parser, Object.class);
      return parsed instanceof Map<?, ?> map ? new JsonObject(uncheckedMap(map)) : parsed;
    } catch (DecodeException e) {
      throw Errors.structure("The body is not valid JSON: " + e.getMessage().lines().findFirst().orElse("parse error"));
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> uncheckedMap(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }

  /**
   * Rejects what JSON allows but a FHIR resource cannot hold, or Herald could not serve back in every envelope:
   * non-finite numbers, NUL characters and unpaired surrogates in keys and values, nesting deeper than
   * {@link #MAX_DEPTH} (a Bundle around the resource adds three levels, and the JSON writer stops at 1000).
   */
  private static void checkValues(Object node, String path, int depth) {
    if (depth > MAX_DEPTH && (node instanceof Map || node instanceof List || node instanceof JsonObject
        || node instanceof io.vertx.core.json.JsonArray)) {
      throw Errors.invalid(path + " nests deeper than " + MAX_DEPTH + " levels, the most a resource may");
    }
    if (node instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = String.valueOf(e.getKey());
        String at = path.isEmpty() ? key : path + "." + key;
        checkText(key, "the key " + at);
        checkValues(e.getValue(), at, depth + 1);
      }
    } else if (node instanceof JsonObject o) {
      checkValues(o.getMap(), path, depth);
    } else if (node instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        checkValues(list.get(i), path + "[" + i + "]", depth + 1);
      }
    } else if (node instanceof io.vertx.core.json.JsonArray a) {
      checkValues(a.getList(), path, depth);
    } else if (node instanceof Double d && !Double.isFinite(d)) {
      throw Errors.invalid(path + " is a number out of range");
    } else if (node instanceof String str) {
      checkText(str, path);
    }
  }

  private static void checkText(String text, String where) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\u0000') {
        throw Errors.invalid(where + " contains a NUL character (\\u0000), which FHIR strings cannot hold");
      }
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw Errors.invalid(where + " contains an unpaired surrogate (\\u" + Integer.toHexString(c)
            + "), which is not a character");
      }
    }
  }

  /** The version named by {@code If-Match} ({@code W/"3"}), or null without the header. */
  static Long ifMatch(RoutingContext ctx) {
    String header = ctx.request().getHeader("If-Match");
    if (header == null) {
      return null;
    }
    var m = ETAG.matcher(header.trim());
    if (!m.matches()) {
      throw Errors.invalid("If-Match '" + header + "' is not a version ETag such as W/\"3\"");
    }
    return Long.parseLong(m.group(2) != null ? m.group(2) : m.group(3));
  }

  private static String kind(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof io.vertx.core.json.JsonArray) {
      return "an array";
    }
    return value instanceof String ? "a string" : value instanceof Boolean ? "a boolean" : "a number";
  }
}
