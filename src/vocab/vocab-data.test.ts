// Content rules for every data file: what the loader does not check because it only guards shape.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getVocabulary, parseVocabulary, vocabularyNames, type VocabularyData } from './index.js';

const dataDir = join(dirname(fileURLToPath(import.meta.url)), 'data');
const files = readdirSync(dataDir).filter((f) => f.endsWith('.json'));

function read(name: string): VocabularyData {
  return parseVocabulary(`${name}.json`, JSON.parse(readFileSync(join(dataDir, `${name}.json`), 'utf8')));
}

/** The act types the task and DOMAIN.md §2 require, by code. */
const requiredActTypes = [
  'killing', 'attempted_killing', 'physical_attack', 'torture_ill_treatment', 'enforced_disappearance',
  'arrest', 'detention', 'house_arrest', 'arrest_warrant_summons', 'criminal_investigation', 'criminal_charges',
  'unfair_trial', 'conviction', 'fine', 'slapp', 'threat', 'death_threat', 'threat_to_family',
  'official_stigmatisation', 'smear_campaign', 'defamation', 'physical_surveillance', 'digital_surveillance',
  'digital_attack', 'online_harassment', 'censorship', 'raid', 'seizure_of_equipment', 'office_closure',
  'deregistration', 'financial_restrictions', 'foreign_funding_restrictions', 'abusive_audit', 'restrictive_law',
  'travel_ban', 'passport_confiscation', 'denial_of_entry', 'deportation', 'forced_exile', 'protest_ban',
  'protest_disruption', 'excessive_force', 'sexual_gender_based_violence',
];

/** Codes other parts of Atalaya rely on, by vocabulary. */
const requiredCodes: Record<string, string[]> = {
  perpetrator_type: ['police', 'military', 'intelligence', 'judiciary', 'prosecutors', 'legislature',
    'executive_officials', 'tax_financial_authorities', 'regulators', 'armed_group', 'paramilitary', 'colectivo',
    'company_national', 'company_transnational', 'mob', 'unknown'],
  defender_sector: ['health_hiv', 'humanitarian', 'lgbti', 'environment_land', 'indigenous', 'journalists_media',
    'lawyers', 'women_defenders', 'trade_unionists', 'students', 'ngo_organisation', 'un_engagement', 'other'],
  reliability: ['highly_reliable', 'reliable', 'fairly_reliable', 'unreliable', 'highly_unreliable', 'unknown'],
  intervention_type: ['urgent_appeal', 'un_communication', 'statement', 'joint_statement', 'litigation',
    'iachr_precautionary_measures', 'letter_to_authorities'],
  international_mechanism: ['hrc_session', 'upr', 'treaty_body', 'special_procedure', 'ohchr',
    'fact_finding_mission', 'iachr', 'ia_court', 'other'],
  incident_link_type: ['same_series', 'precedes', 'consequence_of'],
  gender: ['woman', 'man', 'non_binary', 'other', 'unknown'],
  victim_status: ['released', 'held', 'released_on_conditions', 'disappeared', 'exiled', 'deceased', 'unknown'],
  incident_status: ['open', 'under_verification', 'verified', 'closed'],
};

describe('vocabulary data files', () => {
  it('has exactly one file per listed vocabulary', () => {
    expect(files.map((f) => f.slice(0, -5)).sort()).toEqual([...vocabularyNames].sort());
  });

  for (const name of vocabularyNames) {
    describe(name, () => {
      const data = read(name);

      it('names itself, has a version and labels in both languages', () => {
        expect(data.name).toBe(name);
        expect(data.version).toMatch(/^\d{4}\.\d+$/);
        expect(data.labels.es.trim()).not.toBe('');
        expect(data.labels.en.trim()).not.toBe('');
        expect(data.terms.length).toBeGreaterThan(1);
      });

      it('has unique snake_case codes', () => {
        const codes = data.terms.map((t) => t.code);
        expect(codes.filter((c) => !/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(c))).toEqual([]);
        expect(codes.filter((c, i) => codes.indexOf(c) !== i)).toEqual([]);
      });

      it('has parents that exist, are top-level and come before their children', () => {
        const seen = new Map<string, string | undefined>();
        for (const t of data.terms) {
          if (t.parent !== undefined) {
            expect(seen.has(t.parent), `${t.code}: parent ${t.parent} declared earlier`).toBe(true);
            expect(seen.get(t.parent), `${t.code}: parent ${t.parent} is top-level`).toBeUndefined();
          }
          seen.set(t.code, t.parent);
        }
      });

      it('has non-empty, trimmed labels (and descriptions) in Spanish and English, unique per language', () => {
        for (const t of data.terms) {
          for (const l of ['es', 'en'] as const) {
            expect(t.labels[l].trim(), `${t.code}.${l}`).not.toBe('');
            expect(t.labels[l], `${t.code}.${l}`).toBe(t.labels[l].trim());
            if (t.description) expect(t.description[l].trim(), `${t.code}.description.${l}`).not.toBe('');
          }
        }
        for (const l of ['es', 'en'] as const) {
          const labels = data.terms.map((t) => t.labels[l].toLowerCase());
          expect(labels.filter((x, i) => labels.indexOf(x) !== i), `duplicate ${l} labels`).toEqual([]);
        }
      });

      it('has ESF crosswalk codes of 6 or 12 digits', () => {
        for (const t of data.terms) if (t.esf !== undefined) expect(t.esf, t.code).toMatch(/^(\d{6}|\d{12})$/);
      });

      it('has at least one selectable term under every group', () => {
        const v = getVocabulary(name);
        for (const g of v.terms.filter((t) => v.terms.some((c) => c.parent === t.code))) {
          expect(g.selectable, g.code).toBe(false);
          expect(v.terms.some((c) => c.parent === g.code && c.selectable), g.code).toBe(true);
        }
      });

      if (requiredCodes[name]) {
        it('contains the codes other parts rely on', () => {
          const codes = new Set(data.terms.map((t) => t.code));
          expect((requiredCodes[name] ?? []).filter((c) => !codes.has(c))).toEqual([]);
        });
      }
    });
  }

  it('act_type covers every required act type as a selectable leaf under a group', () => {
    const v = getVocabulary('act_type');
    const byCode = new Map(v.terms.map((t) => [t.code, t]));
    expect(requiredActTypes.filter((c) => !byCode.has(c))).toEqual([]);
    for (const c of requiredActTypes) {
      expect(byCode.get(c)?.selectable, c).toBe(true);
      expect(byCode.get(c)?.parent, c).toBeDefined();
    }
  });

  it('act_type ESF codes quoted in DOMAIN.md are crosswalked to the right terms', () => {
    const esf = new Map(getVocabulary('act_type').terms.map((t) => [t.code, t.esf]));
    expect(esf.get('arrest')).toBe('030101000000');
    expect(esf.get('death_threat')).toBe('020103020000');
    expect(esf.get('enforced_disappearance')).toBe('030103000000');
    expect(esf.get('defamation')).toBe('140101000000');
    expect(esf.get('financial_restrictions')).toBeUndefined();
  });
});
