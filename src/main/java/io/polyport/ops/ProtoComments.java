package io.polyport.ops;

import com.google.protobuf.DescriptorProtos.SourceCodeInfo.Location;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.GenericDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The comments written in a .proto file, looked up by descriptor: the leading comment of an element is
 * kept in the file's source info under the element's path (field numbers of descriptor.proto and
 * indexes, e.g. message 2, field 3 = [4, 2, 2, 3]). Files without source info have no comments.
 */
final class ProtoComments {
  private static final int FILE_SYNTAX = 12;
  private static final int FILE_MESSAGE = 4;
  private static final int FILE_ENUM = 5;
  private static final int FILE_SERVICE = 6;
  private static final int FILE_EXTENSION = 7;
  private static final int MESSAGE_FIELD = 2;
  private static final int MESSAGE_NESTED = 3;
  private static final int MESSAGE_ENUM = 4;
  private static final int MESSAGE_EXTENSION = 6;
  private static final int MESSAGE_ONEOF = 8;
  private static final int ENUM_VALUE = 2;
  private static final int SERVICE_METHOD = 2;

  private final Map<List<Integer>, Location> locations = new HashMap<>();

  ProtoComments(FileDescriptor file) {
    for (Location location : file.toProto().getSourceCodeInfo().getLocationList()) {
      locations.putIfAbsent(location.getPathList(), location);
    }
  }

  /** The file's own comment: the block before the syntax statement. */
  String ofFile() {
    Location syntax = locations.get(List.of(FILE_SYNTAX));
    if (syntax == null) {
      return "";
    }
    List<String> blocks = new ArrayList<>(syntax.getLeadingDetachedCommentsList());
    blocks.add(syntax.getLeadingComments());
    return blocks.stream().map(ProtoComments::clean).filter(s -> !s.isEmpty()).collect(Collectors.joining("\n\n"));
  }

  /** The leading comment of {@code element} (or its trailing one when it has none), cleaned; "" if none. */
  String of(GenericDescriptor element) {
    Location location = locations.get(path(element));
    if (location == null) {
      return "";
    }
    String leading = clean(location.getLeadingComments());
    return leading.isEmpty() ? clean(location.getTrailingComments()) : leading;
  }

  static List<Integer> path(GenericDescriptor element) {
    List<Integer> path = new ArrayList<>();
    if (element instanceof Descriptor message) {
      return message.getContainingType() == null ? List.of(FILE_MESSAGE, message.getIndex())
          : append(path(message.getContainingType()), MESSAGE_NESTED, message.getIndex());
    } else if (element instanceof FieldDescriptor field) {
      if (!field.isExtension()) {
        return append(path(field.getContainingType()), MESSAGE_FIELD, field.getIndex());
      }
      return field.getExtensionScope() == null ? List.of(FILE_EXTENSION, field.getIndex())
          : append(path(field.getExtensionScope()), MESSAGE_EXTENSION, field.getIndex());
    } else if (element instanceof OneofDescriptor oneof) {
      return append(path(oneof.getContainingType()), MESSAGE_ONEOF, oneof.getIndex());
    } else if (element instanceof EnumDescriptor e) {
      return e.getContainingType() == null ? List.of(FILE_ENUM, e.getIndex())
          : append(path(e.getContainingType()), MESSAGE_ENUM, e.getIndex());
    } else if (element instanceof EnumValueDescriptor value) {
      return append(path(value.getType()), ENUM_VALUE, value.getIndex());
    } else if (element instanceof ServiceDescriptor service) {
      return List.of(FILE_SERVICE, service.getIndex());
    } else if (element instanceof MethodDescriptor method) {
      return append(path(method.getService()), SERVICE_METHOD, method.getIndex());
    }
    return path;
  }

  private static List<Integer> append(List<Integer> base, int kind, int index) {
    List<Integer> path = new ArrayList<>(base);
    path.add(kind);
    path.add(index);
    return path;
  }

  /** Drops the one space after each {@code //} and the blank lines around the text. */
  private static String clean(String comment) {
    return comment.lines()
        .map(line -> line.startsWith(" ") ? line.substring(1) : line)
        .collect(Collectors.joining("\n"))
        .strip();
  }
}
