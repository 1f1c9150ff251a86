import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AddressGuard, isPublicAddress, RefusedAddressError } from './address-guard';
import { deliver } from './webhook.sender';

describe('the webhook address guard', () => {
  it('allows only globally routable unicast addresses', () => {
    for (const refused of [
      '127.0.0.1',
      '127.8.9.10',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fe80::1',
      'fc00::1',
      'fd12:3456::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      '64:ff9b::a00:1',
      'not an address',
    ]) {
      expect([refused, isPublicAddress(refused)]).toEqual([refused, false]);
    }
    for (const allowed of ['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      expect([allowed, isPublicAddress(allowed)]).toEqual([allowed, true]);
    }
  });

  it('in production refuses a name when any of its addresses is not public; otherwise lets it through', async () => {
    const resolver = async (host: string) =>
      host === 'mixed.example' ? [{ address: '93.184.215.14', family: 4 }, { address: '10.0.0.7', family: 4 }] : [{ address: '93.184.215.14', family: 4 }];
    const strict = new AddressGuard(true, resolver);
    await expect(strict.check('mixed.example')).rejects.toBeInstanceOf(RefusedAddressError);
    await expect(strict.check('[::1]')).rejects.toBeInstanceOf(RefusedAddressError);
    await expect(strict.check('public.example')).resolves.toEqual([{ address: '93.184.215.14', family: 4 }]);
    await expect(new AddressGuard(false, resolver).check('mixed.example')).resolves.toHaveLength(2);
  });

  it('hands the socket exactly the address it checked (a rebinding resolver cannot switch it afterwards)', async () => {
    let calls = 0;
    // First answer public, every later one loopback: what a rebinding attacker's DNS does.
    const rebinding = async () => (calls++ === 0 ? [{ address: '93.184.215.14', family: 4 }] : [{ address: '127.0.0.1', family: 4 }]);
    const guard = new AddressGuard(true, rebinding);
    const looked = await new Promise<unknown>((resolve) => guard.lookup('rebind.example', { all: true }, (error, addresses) => resolve(error ?? addresses)));
    expect(looked).toEqual([{ address: '93.184.215.14', family: 4 }]);
    const again = await new Promise<unknown>((resolve) => guard.lookup('rebind.example', {}, (error) => resolve(error)));
    expect(again).toBeInstanceOf(RefusedAddressError);
  });

  describe('at delivery, against a real receiver on loopback', () => {
    let server: Server;
    let hits = 0;
    let port = 0;
    beforeAll(async () => {
      server = createServer((_req, res) => {
        hits++;
        res.writeHead(200).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const request = (url: string) => ({ url, secret: `whsec_${Buffer.alloc(32, 1).toString('base64')}`, messageId: 'msg_1', body: '{}' });

    it('in production connects to no loopback address, by IP or by name', async () => {
      const strict = new AddressGuard(true);
      for (const url of [`http://127.0.0.1:${port}/`, `http://localhost:${port}/`, `http://[::ffff:127.0.0.1]:${port}/`]) {
        const outcome = await deliver(request(url), strict);
        expect([url, outcome.ok, outcome.status]).toEqual([url, false, null]);
      }
      expect(hits).toBe(0);
    });

    it('outside production reaches the same receiver', async () => {
      const outcome = await deliver(request(`http://localhost:${port}/`), new AddressGuard(false));
      expect(outcome).toEqual({ ok: true, status: 200 });
      expect(hits).toBe(1);
    });
  });
});
