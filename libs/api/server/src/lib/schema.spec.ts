import { getMetadataStorage as validationMetadata } from 'class-validator';
import { getMetadataStorage as schemaMetadata } from 'type-graphql';
import { RESOLVERS } from './schema';

describe('input validation', () => {
  it('has only synchronous constraints on every input type (validating an argument never waits on I/O)', () => {
    expect(RESOLVERS.length).toBeGreaterThan(0); // the resolvers (and the input classes they use) are loaded
    const storage = validationMetadata();
    const checked: string[] = [];
    for (const input of schemaMetadata().inputTypes) {
      for (const rule of storage.getTargetValidationMetadatas(input.target, '', true, false)) {
        for (const constraint of storage.getTargetValidatorConstraints(rule.constraintCls)) {
          checked.push(`${input.name}.${rule.propertyName}: ${constraint.name}`);
          expect([input.name, rule.propertyName, constraint.name, constraint.async]).toEqual([input.name, rule.propertyName, constraint.name, false]);
        }
      }
    }
    expect(checked).toEqual(expect.arrayContaining(['SendMessageInput.body: trimmedLength', 'SendMessageInput.chatId: isString']));
  });
});
