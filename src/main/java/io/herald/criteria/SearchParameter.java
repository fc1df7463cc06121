package io.herald.criteria;

import java.util.List;

/**
 * One search parameter of one resource type.
 *
 * @param paths       where its values are, as dotted JSON paths below the resource (arrays are
 *                    walked; {@code telecom[system=phone]} keeps only elements with that field)
 * @param targets     for references: the resource types it may point to (empty: any)
 * @param systemField for tokens on custom shapes: the field holding the system (default {@code system})
 * @param codeField   for tokens on custom shapes: the field holding the code (default {@code code})
 */
public record SearchParameter(String name, ParamType type, List<String> paths, List<String> targets,
                              String systemField, String codeField) {

  public SearchParameter {
    paths = List.copyOf(paths);
    targets = List.copyOf(targets);
  }

  public static SearchParameter of(String name, ParamType type, String... paths) {
    return new SearchParameter(name, type, List.of(paths), List.of(), null, null);
  }
}
