package io.changelake.source.kafka.registry;

import com.google.protobuf.AnyProto;
import com.google.protobuf.ApiProto;
import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DurationProto;
import com.google.protobuf.EmptyProto;
import com.google.protobuf.FieldMaskProto;
import com.google.protobuf.SourceContextProto;
import com.google.protobuf.StructProto;
import com.google.protobuf.TimestampProto;
import com.google.protobuf.TypeProto;
import com.google.protobuf.WrappersProto;
import com.squareup.wire.Syntax;
import com.squareup.wire.schema.Field;
import com.squareup.wire.schema.Location;
import com.squareup.wire.schema.internal.parser.EnumConstantElement;
import com.squareup.wire.schema.internal.parser.EnumElement;
import com.squareup.wire.schema.internal.parser.FieldElement;
import com.squareup.wire.schema.internal.parser.MessageElement;
import com.squareup.wire.schema.internal.parser.OneOfElement;
import com.squareup.wire.schema.internal.parser.OptionElement;
import com.squareup.wire.schema.internal.parser.ProtoFileElement;
import com.squareup.wire.schema.internal.parser.ProtoParser;
import com.squareup.wire.schema.internal.parser.TypeElement;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compiles a registry's {@code .proto} text into a protobuf-java {@link FileDescriptor}: Square's
 * wire-schema parses the text (as Confluent's own Protobuf provider does), this class turns the parsed
 * elements into a {@link FileDescriptorProto}, and protobuf-java links it, resolving type names by
 * Protobuf's scoping rules. Imports resolve to the well-known types protobuf-java ships
 * ({@code google/protobuf/*.proto}) and to the files Confluent's serializers import without registering
 * them ({@code confluent/meta.proto}, {@code confluent/type/decimal.proto}, {@code google/type/date.proto},
 * {@code google/type/timeofday.proto}), then to the files the schema's registry references provide
 * ({@link Imports}); any other import is refused with a message.
 *
 * <p>Options are not compiled into the descriptor; the Connect parameters Confluent writes as
 * {@code [(confluent.field_meta) = { params: [...] }]} are collected per field instead.
 */
final class ProtoFiles {
  /** A compiled schema and the Connect parameters of its fields (its imports' too), by full field name. */
  record Compiled(FileDescriptor file, Map<String, Map<String, String>> fieldParams) { }

  /** The {@code .proto} files a schema imports beyond the built-in ones. */
  interface Imports {
    Imports NONE = path -> Optional.empty();

    /** The file imported as {@code path}, or empty when this schema does not provide it. */
    Optional<Source> find(String path);
  }

  /** An imported file's text and the files it imports in turn. */
  record Source(String text, Imports imports) { }

  private static final String FIELD_META = "confluent.field_meta";
  private static final Pattern MAP_TYPE = Pattern.compile("map\\s*<\\s*([\\w.]+)\\s*,\\s*([\\w.]+)\\s*>");
  private static final Map<String, FieldDescriptorProto.Type> SCALARS = scalars();
  private static final Map<String, FileDescriptor> BUILT_IN = builtIn();

  private ProtoFiles() { }

  /**
   * The descriptor of {@code text}.
   *
   * @throws IllegalArgumentException when the text does not parse, imports a file that cannot be
   *     resolved, or does not link (an unknown type name, say); the message says which
   */
  static Compiled compile(String text, Imports imports) {
    Map<String, Map<String, String>> params = new HashMap<>();
    FileDescriptor file = new Builder(params).build("schema.proto", text, imports);
    return new Compiled(file, Map.copyOf(params));
  }

  /** Builds one schema's files: each imported file once, however many files import it. */
  private record Builder(Map<String, Map<String, String>> params, Map<String, FileDescriptor> built,
      Set<String> building) {
    Builder(Map<String, Map<String, String>> params) {
      this(params, new HashMap<>(), new LinkedHashSet<>());
    }

    FileDescriptor build(String path, String text, Imports imports) {
      if (!building.add(path)) {
        throw new IllegalArgumentException("the .proto files import each other in a cycle: "
            + String.join(" > ", building) + " > " + path);
      }
      FileDescriptor file = ProtoFiles.build(path, text, imported -> {
        FileDescriptor dependency = BUILT_IN.get(imported);
        if (dependency == null && built.containsKey(imported)) {
          dependency = built.get(imported);
        }
        if (dependency == null) {
          Optional<Source> source = imports.find(imported);
          if (source.isPresent()) {
            dependency = build(imported, source.get().text(), source.get().imports());
            built.put(imported, dependency);
          }
        }
        return dependency;
      }, params);
      building.remove(path);
      return file;
    }
  }

  /** {@code text} compiled as the file {@code path}; {@code resolve} gives an import's descriptor, or null. */
  private static FileDescriptor build(String path, String text, Function<String, FileDescriptor> resolve,
      Map<String, Map<String, String>> params) {
    ProtoFileElement file;
    try {
      file = ProtoParser.Companion.parse(Location.Companion.get(path), text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the .proto schema does not parse: " + e.getMessage(), e);
    }
    FileDescriptorProto.Builder proto = FileDescriptorProto.newBuilder().setName(path);
    String pkg = file.getPackageName() == null ? "" : file.getPackageName();
    if (!pkg.isEmpty()) {
      proto.setPackage(pkg);
    }
    boolean proto3 = file.getSyntax() == Syntax.PROTO_3;
    proto.setSyntax(proto3 ? "proto3" : "proto2");
    List<FileDescriptor> dependencies = new ArrayList<>();
    for (String imported : imports(file)) {
      FileDescriptor dependency = resolve.apply(imported);
      if (dependency == null) {
        throw new IllegalArgumentException("the .proto schema imports \"" + imported + "\", which changelake cannot"
            + " resolve: it is not among the schema's registry references, and only the well-known"
            + " google/protobuf/*.proto files and Confluent's confluent/meta.proto, confluent/type/decimal.proto,"
            + " google/type/date.proto and google/type/timeofday.proto are built in. Register the schema with a"
            + " reference named \"" + imported + "\" to the subject that holds that file.");
      }
      if (file.getPublicImports().contains(imported)) {
        proto.addPublicDependency(dependencies.size());
      }
      proto.addDependency(imported);
      dependencies.add(dependency);
    }
    String scope = pkg.isEmpty() ? "" : pkg + ".";
    for (TypeElement type : file.getTypes()) {
      if (type instanceof MessageElement message) {
        proto.addMessageType(message(message, proto3, scope, params));
      } else if (type instanceof EnumElement enumType) {
        proto.addEnumType(enumType(enumType));
      }
    }
    try {
      return FileDescriptor.buildFrom(proto.build(), dependencies.toArray(FileDescriptor[]::new));
    } catch (DescriptorValidationException e) {
      throw new IllegalArgumentException("the .proto schema does not link: " + e.getMessage(), e);
    }
  }

  private static List<String> imports(ProtoFileElement file) {
    List<String> all = new ArrayList<>(file.getImports());
    all.addAll(file.getPublicImports());
    return all;
  }

  private static DescriptorProto message(MessageElement element, boolean proto3, String scope,
      Map<String, Map<String, String>> params) {
    if (!element.getGroups().isEmpty()) {
      throw new IllegalArgumentException("message " + element.getName() + " uses proto2 groups, which are not read");
    }
    DescriptorProto.Builder message = DescriptorProto.newBuilder().setName(element.getName());
    String fullName = scope + element.getName();
    for (TypeElement nested : element.getNestedTypes()) {
      if (nested instanceof MessageElement nestedMessage) {
        message.addNestedType(message(nestedMessage, proto3, fullName + ".", params));
      } else if (nested instanceof EnumElement nestedEnum) {
        message.addEnumType(enumType(nestedEnum));
      }
    }
    for (int i = 0; i < element.getOneOfs().size(); i++) {
      OneOfElement oneOf = element.getOneOfs().get(i);
      message.addOneofDecl(OneofDescriptorProto.newBuilder().setName(oneOf.getName()));
      for (FieldElement field : oneOf.getFields()) {
        message.addField(field(message, field, proto3, fullName, params).setOneofIndex(i));
      }
    }
    for (FieldElement field : element.getFields()) {
      FieldDescriptorProto.Builder built = field(message, field, proto3, fullName, params);
      if (proto3 && field.getLabel() == Field.Label.OPTIONAL) {
        // proto3 explicit presence: a synthetic oneof, declared after the real ones
        built.setProto3Optional(true).setOneofIndex(message.getOneofDeclCount());
        message.addOneofDecl(OneofDescriptorProto.newBuilder().setName("_" + field.getName()));
      }
      message.addField(built);
    }
    return message.build();
  }

  private static FieldDescriptorProto.Builder field(DescriptorProto.Builder message, FieldElement element,
      boolean proto3, String messageName, Map<String, Map<String, String>> params) {
    FieldDescriptorProto.Builder field = FieldDescriptorProto.newBuilder().setName(element.getName())
        .setNumber(element.getTag()).setJsonName(element.getJsonName() != null ? element.getJsonName()
            : jsonName(element.getName()));
    Field.Label label = element.getLabel();
    field.setLabel(label == Field.Label.REPEATED ? FieldDescriptorProto.Label.LABEL_REPEATED
        : label == Field.Label.REQUIRED ? FieldDescriptorProto.Label.LABEL_REQUIRED
        : FieldDescriptorProto.Label.LABEL_OPTIONAL);
    Matcher map = MAP_TYPE.matcher(element.getType());
    if (map.matches()) {
      String entry = camel(element.getName()) + "Entry";
      message.addNestedType(DescriptorProto.newBuilder().setName(entry)
          .setOptions(DescriptorProtos.MessageOptions.newBuilder().setMapEntry(true))
          .addField(typed(FieldDescriptorProto.newBuilder().setName("key").setNumber(1).setJsonName("key")
              .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL), map.group(1)))
          .addField(typed(FieldDescriptorProto.newBuilder().setName("value").setNumber(2).setJsonName("value")
              .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL), map.group(2))));
      field.setLabel(FieldDescriptorProto.Label.LABEL_REPEATED).setTypeName(entry);
    } else {
      typed(field, element.getType());
    }
    if (element.getDefaultValue() != null && !proto3) {
      field.setDefaultValue(element.getDefaultValue());
    }
    Map<String, String> connect = fieldMetaParams(element.getOptions());
    if (!connect.isEmpty()) {
      params.put(messageName + "." + element.getName(), connect);
    }
    return field;
  }

  /** {@code field} with a scalar type, or the (relative or absolute) name of a message or enum type. */
  private static FieldDescriptorProto.Builder typed(FieldDescriptorProto.Builder field, String type) {
    FieldDescriptorProto.Type scalar = SCALARS.get(type);
    return scalar != null ? field.setType(scalar) : field.setTypeName(type);
  }

  private static EnumDescriptorProto enumType(EnumElement element) {
    EnumDescriptorProto.Builder enumType = EnumDescriptorProto.newBuilder().setName(element.getName());
    for (OptionElement option : element.getOptions()) {
      if (option.getName().equals("allow_alias") && "true".equals(String.valueOf(primitive(option.getValue())))) {
        enumType.setOptions(DescriptorProtos.EnumOptions.newBuilder().setAllowAlias(true));
      }
    }
    for (EnumConstantElement constant : element.getConstants()) {
      enumType.addValue(EnumValueDescriptorProto.newBuilder().setName(constant.getName()).setNumber(constant.getTag()));
    }
    return enumType.build();
  }

  /** The {@code params} of a {@code (confluent.field_meta)} option: the Connect parameters Confluent wrote. */
  private static Map<String, String> fieldMetaParams(List<OptionElement> options) {
    Map<String, String> params = new LinkedHashMap<>();
    for (OptionElement option : options) {
      if (!FIELD_META.equals(option.getName())) {
        continue;
      }
      Object value = option.getValue();
      // "(confluent.field_meta) = { params: [...] }" parses to a map, "(confluent.field_meta).params = {...}" to
      // the inner option
      Map<?, ?> meta = value instanceof Map<?, ?> map ? map
          : value instanceof OptionElement inner ? Map.of(inner.getName(), inner.getValue()) : Map.of();
      Object entries = meta.get("params");
      for (Object entry : entries instanceof List<?> list ? list : entries == null ? List.of() : List.of(entries)) {
        if (entry instanceof Map<?, ?> pair && pair.get("key") != null && pair.get("value") != null) {
          params.put(String.valueOf(primitive(pair.get("key"))), String.valueOf(primitive(pair.get("value"))));
        }
      }
    }
    return params;
  }

  private static Object primitive(Object value) {
    return value instanceof OptionElement.OptionPrimitive primitive ? primitive.getValue() : value;
  }

  private static String camel(String name) {
    StringBuilder out = new StringBuilder();
    boolean upper = true;
    for (char c : name.toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return out.toString();
  }

  private static String jsonName(String name) {
    String camel = camel(name);
    return camel.isEmpty() ? camel : Character.toLowerCase(camel.charAt(0)) + camel.substring(1);
  }

  private static Map<String, FieldDescriptorProto.Type> scalars() {
    Map<String, FieldDescriptorProto.Type> scalars = new HashMap<>();
    for (String name : Set.of("double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64",
        "fixed32", "fixed64", "sfixed32", "sfixed64", "bool", "string", "bytes")) {
      scalars.put(name, FieldDescriptorProto.Type.valueOf("TYPE_" + name.toUpperCase(Locale.ROOT)));
    }
    return Map.copyOf(scalars);
  }

  private static Map<String, FileDescriptor> builtIn() {
    Map<String, FileDescriptor> files = new HashMap<>();
    for (FileDescriptor file : List.of(AnyProto.getDescriptor(), ApiProto.getDescriptor(),
        DescriptorProtos.getDescriptor(), DurationProto.getDescriptor(), EmptyProto.getDescriptor(),
        FieldMaskProto.getDescriptor(), SourceContextProto.getDescriptor(), StructProto.getDescriptor(),
        TimestampProto.getDescriptor(), TypeProto.getDescriptor(), WrappersProto.getDescriptor())) {
      files.put(file.getName(), file);
    }
    Map<String, String> resources = Map.of("confluent/meta.proto", "confluent-meta.proto",
        "confluent/type/decimal.proto", "confluent-decimal.proto", "google/type/date.proto", "google-type-date.proto",
        "google/type/timeofday.proto", "google-type-timeofday.proto");
    resources.forEach((path, resource) -> files.put(path, build(path, resource(resource), imported -> null,
        new HashMap<>())));
    return Map.copyOf(files);
  }

  private static String resource(String name) {
    try (InputStream in = ProtoFiles.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
