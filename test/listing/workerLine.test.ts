import { describe, expect, it } from 'vitest';
import { parseWorkerFields, parseWorkerLine } from '../../src/listing/workerLine.js';
import { buildNationalNumber } from '../identity/nationalNumberBuilder.js';

const NISS = buildNationalNumber('850730', 33, 1900); // 85073003328
const DOTTED = `${NISS.slice(0, 2)}.${NISS.slice(2, 4)}.${NISS.slice(4, 6)}-${NISS.slice(6, 9)}.${NISS.slice(9)}`;
const BAD_CHECK = `${NISS.slice(0, 9)}00`;

describe('parseWorkerLine: one worker on one line', () => {
  it.each([
    [`${DOTTED} Peeters Jan`, 'Peeters', 'Jan'],
    [`Peeters Jan ${NISS}`, 'Peeters', 'Jan'],
    [`${NISS};Peeters;Jan`, 'Peeters', 'Jan'],
    [`${NISS}\tPeeters\tJan`, 'Peeters', 'Jan'],
    [`Peeters\tJan\t${DOTTED}`, 'Peeters', 'Jan'],
    [`"Peeters";"Jan";"${NISS}"`, 'Peeters', 'Jan'],
    [`${NISS}, Peeters, Jan`, 'Peeters', 'Jan'],
    [`Peeters ${NISS} Jan`, 'Peeters', 'Jan'],
    [`${NISS} Van den Broeck Jan`, 'Van den Broeck', 'Jan'],
    [`${NISS} van den Broeck Jan`, 'van den Broeck', 'Jan'],
    [`${NISS} De Smet Marie`, 'De Smet', 'Marie'],
    [`${NISS} Vande Velde Pieter`, 'Vande Velde', 'Pieter'],
    [`${NISS} El Amrani Youssef`, 'El Amrani', 'Youssef'],
    [`${NISS} D'Hondt Lies`, "D'Hondt", 'Lies'],
    [`${NISS} D’Hondt Lies`, 'D’Hondt', 'Lies'],
    [`${NISS} Op de Beeck Tom`, 'Op de Beeck', 'Tom'],
    [`${NISS} Dupont-Durand Marie`, 'Dupont-Durand', 'Marie'],
    [`${NISS} Peeters Jan-Karel`, 'Peeters', 'Jan-Karel'],
    [`${NISS} PEETERS Jan Karel`, 'PEETERS', 'Jan Karel'],
    [`${NISS} Jan Karel VAN DEN BROECK`, 'VAN DEN BROECK', 'Jan Karel'],
    [`${NISS} PEETERS JANSSENS Marie`, 'PEETERS JANSSENS', 'Marie'],
    [`${NISS};Peeters Janssens;Marie Anne`, 'Peeters Janssens', 'Marie Anne'],
    [`${NISS};Van den Broeck;Jan`, 'Van den Broeck', 'Jan'],
    [`L1 12345678901234567 Smith John`, 'Smith', 'John'],
    [`Müller Jürgen Limosa: 12345678901234567`, 'Müller', 'Jürgen'],
  ])('reads %j as surname %j, first name %j', (line, surname, firstName) => {
    const result = parseWorkerLine(line);
    expect(result).toMatchObject({ kind: 'worker', worker: { surname, firstName } });
  });

  it('keeps the identifier as a NISS, BIS or Limosa number', () => {
    expect(parseWorkerLine(`${DOTTED} Peeters Jan`)).toMatchObject({ worker: { workerId: { kind: 'niss', digits: NISS } } });
    expect(parseWorkerLine('L1 12345678901234567 Smith John')).toMatchObject({ worker: { workerId: { kind: 'limosa', digits: '12345678901234567' } } });
  });

  it.each([
    [`${NISS} Peeters Janssens Marie`, [['Peeters', 'Janssens Marie'], ['Peeters Janssens', 'Marie']]],
    [`${NISS} Peeters Jan Karel`, [['Peeters', 'Jan Karel'], ['Peeters Jan', 'Karel']]],
    [`${NISS} Jan Van den Broeck`, [['Jan', 'Van den Broeck'], ['Van den Broeck', 'Jan']]],
    [`${NISS} De Smet Marie Anne`, [['De Smet', 'Marie Anne'], ['De Smet Marie', 'Anne']]],
    [`${NISS} Karim El Amrani`, [['Karim', 'El Amrani'], ['El Amrani', 'Karim']]],
  ])('asks rather than guesses for %j', (line, expected) => {
    const result = parseWorkerLine(line);
    expect(result.kind).toBe('ambiguous');
    if (result.kind !== 'ambiguous') return;
    expect(result.choices.map((c) => [c.surname, c.firstName])).toEqual(expected);
  });

  it.each([
    [`${BAD_CHECK} Peeters Jan`, 'workerId.checksum'],
    [`${NISS.slice(0, 2)}13${NISS.slice(4)} Peeters Jan`, 'workerId.date'],
    ['8507300332 Peeters Jan', 'workerId.length'],
    ['Peeters Jan', 'line.noId'],
    [`${NISS} Peeters`, 'line.missingFirstName'],
    [`${NISS} De Smet`, 'line.missingFirstName'],
    [`${NISS};;Jan`, 'line.missingFirstName'],
    [`${NISS} Peeters Jan 0475 12 34 56`, 'line.twoNumbers'],
    [`${NISS};Peeters;Jan;Chauffeur`, 'line.extraFields'],
    [`${NISS} Peeters <b>Jan</b>`, 'name.characters'],
    [`${NISS} 李 雷`, 'name.script'],
    ['x'.repeat(400), 'line.length'],
    ['', 'line.noId'],
  ])('refuses %j: %s', (line, error) => {
    expect(parseWorkerLine(line)).toEqual({ kind: 'refused', error });
  });

  it('takes an identifier alone as the start of the three-question path', () => {
    expect(parseWorkerLine(` ${DOTTED} `)).toEqual({ kind: 'idOnly', workerId: { kind: 'niss', digits: NISS } });
  });
});

describe('parseWorkerFields: a row with known columns', () => {
  it('takes the split from the columns', () => {
    expect(parseWorkerFields(NISS, 'Van den Broeck', 'Jan Karel')).toMatchObject({ kind: 'worker', worker: { surname: 'Van den Broeck', firstName: 'Jan Karel' } });
  });
  it.each([
    ['', 'Peeters', 'Jan', 'line.noId'],
    [BAD_CHECK, 'Peeters', 'Jan', 'workerId.checksum'],
    [NISS, '', 'Jan', 'line.missingName'],
    [NISS, 'Peeters', ' ', 'line.missingFirstName'],
  ])('refuses %j %j %j: %s', (id, surname, firstName, error) => {
    expect(parseWorkerFields(id, surname, firstName)).toEqual({ kind: 'refused', error });
  });
});
