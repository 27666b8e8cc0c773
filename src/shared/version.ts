/** The version of Atalaya that produced a figure, recorded with it so a result can be traced to its code. */
import pkg from '../../package.json' with { type: 'json' };

export const toolVersion: string = `atalaya ${pkg.version}`;
