// Brings the aws-sdk-client-mock matchers into the types of `expect`.
import "aws-sdk-client-mock-vitest/extend";
