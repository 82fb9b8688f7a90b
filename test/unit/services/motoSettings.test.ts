import { describe, expect, it } from 'vitest';
import { ServicesError } from '../../../local/services/errors';
import { MotoSettingDefaults } from '../../../local/services/moto/constants';
import { motoLauncherArgs, motoSettings } from '../../../local/services/moto/motoSettings';

describe('motoSettings', () => {
  it('defaults to AWS: TTL expiry on, 24 h stream retention, 15 min iterators, a pass every 5 s', () => {
    // Act
    const settings = motoSettings({});

    // Assess
    expect(settings).toEqual({
      ttlExpiry: true,
      sweepSeconds: 5,
      streamRetentionSeconds: 86_400,
      iteratorSeconds: 900,
    });
    expect(settings).toEqual(MotoSettingDefaults);
  });

  it('reads each STREAMBRIDGE_* variable and passes it to the launcher as a flag', () => {
    // Act
    const settings = motoSettings({
      STREAMBRIDGE_TTL_EXPIRY: 'OFF',
      STREAMBRIDGE_TTL_SWEEP_SECONDS: '0.5',
      STREAMBRIDGE_STREAM_RETENTION_SECONDS: '600',
      STREAMBRIDGE_STREAM_ITERATOR_SECONDS: '30',
    });

    // Assess
    expect(settings).toEqual({
      ttlExpiry: false,
      sweepSeconds: 0.5,
      streamRetentionSeconds: 600,
      iteratorSeconds: 30,
    });
    expect(motoLauncherArgs(settings)).toEqual([
      '--ttl-expiry',
      'off',
      '--sweep-seconds',
      '0.5',
      '--stream-retention-seconds',
      '600',
      '--iterator-seconds',
      '30',
    ]);
  });

  it('treats an empty variable as unset', () => {
    // Act
    const settings = motoSettings({ STREAMBRIDGE_TTL_EXPIRY: '', STREAMBRIDGE_TTL_SWEEP_SECONDS: ' ' });

    // Assess
    expect(settings.ttlExpiry).toBe(true);
    expect(settings.sweepSeconds).toBe(5);
  });

  it.each([
    [{ STREAMBRIDGE_TTL_EXPIRY: 'yes' }, /STREAMBRIDGE_TTL_EXPIRY must be "on" or "off", got "yes"/],
    [
      { STREAMBRIDGE_TTL_SWEEP_SECONDS: '0' },
      /STREAMBRIDGE_TTL_SWEEP_SECONDS must be a number of seconds above 0/,
    ],
    [{ STREAMBRIDGE_STREAM_RETENTION_SECONDS: '-1' }, /STREAMBRIDGE_STREAM_RETENTION_SECONDS .* got "-1"/],
    [{ STREAMBRIDGE_STREAM_ITERATOR_SECONDS: '15m' }, /STREAMBRIDGE_STREAM_ITERATOR_SECONDS .* got "15m"/],
  ])('refuses %o, naming the variable', (env, message) => {
    // Act / Assess
    expect(() => motoSettings(env)).toThrow(ServicesError);
    expect(() => motoSettings(env)).toThrow(message);
  });
});
