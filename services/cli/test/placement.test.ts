import { describe, expect, it } from 'vitest';
import { runCliInProcess } from './run-cli-in-process.js';

describe('switchboard placement', () => {
  it('names the address it tried and how to start a manager when none listens at --resource-manager', async () => {
    const result = await runCliInProcess(['placement', '--resource-manager', '127.0.0.1:1'], {});

    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toBe(
      'error: cannot reach the resource manager at 127.0.0.1:1; is it running? ' +
        '(`switchboard up` starts one; set --resource-manager or SWITCHBOARD_RESOURCE_MANAGER)\n',
    );
  });

  it('takes the address from SWITCHBOARD_RESOURCE_MANAGER when no flag is given', async () => {
    const result = await runCliInProcess(['placement', '--json'], {
      SWITCHBOARD_RESOURCE_MANAGER: '127.0.0.1:2',
    });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot reach the resource manager at 127.0.0.1:2');
  });

  it('is listed in the help with its options', async () => {
    const help = await runCliInProcess(['placement', '--help'], {});

    expect(help.stdout).toMatch(/^Usage: switchboard placement \[options\]/);
    expect(help.stdout).toContain('--json');
    const overview = (await runCliInProcess(['--help'], {})).stdout;
    expect(overview).toMatch(/placement \[options\]\s+workers, their models/);
    expect(overview).toMatch(/--resource-manager <host:port>\s+resource manager API address/);
  });
});
