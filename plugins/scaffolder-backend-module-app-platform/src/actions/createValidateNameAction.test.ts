import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createValidateNameAction } from './createValidateNameAction';

describe('app-platform:validate-name', () => {
  const action = createValidateNameAction();

  it('outputs a valid name', async () => {
    const ctx = createMockActionContext({ input: { name: 'payments' } });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('name', 'payments');
  });

  it('names the field when the name is invalid', async () => {
    const ctx = createMockActionContext({
      input: { name: 'Payments_API', field: 'applicationName' },
    });
    await expect(action.handler(ctx)).rejects.toThrow(
      /applicationName "Payments_API" must consist of lower-case letters/,
    );
    expect(ctx.output).not.toHaveBeenCalled();
  });
});
